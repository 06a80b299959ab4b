package vietqr_test

import (
	"errors"
	"fmt"

	"github.com/motcua/kiosk/kiosk/vietqr"
)

func ExampleEncode() {
	// The example of NAPAS's VietQR guide: 180 000 đồng to an account at
	// BIN 970403, with a bill number and the purpose of the transfer.
	payload, err := vietqr.Encode(vietqr.Payment{
		BankBIN:    "970403",
		Account:    "0011012345678",
		Amount:     180000,
		BillNumber: "NPS6869",
		Purpose:    "thanh toan don hang",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(payload)

	// Banking apps show plain ASCII only: a purpose with Vietnamese marks
	// is refused, naming the field, rather than altered.
	_, err = vietqr.Encode(vietqr.Payment{BankBIN: "970403", Account: "0011012345678", Purpose: "Lệ phí"})
	var fe *vietqr.FieldError
	if errors.As(err, &fe) && errors.Is(err, vietqr.ErrInvalid) {
		fmt.Println(fe.Field)
	}
	// Output:
	// 00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E
	// Purpose
}

func ExampleDecode() {
	p, err := vietqr.Decode("00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.BankBIN, p.Account, p.Service, p.Amount, p.Purpose)

	// One digit misread: the checksum catches it.
	_, err = vietqr.Decode("00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540490005802VN62120808TL89 1006304E346")
	fmt.Println(errors.Is(err, vietqr.ErrChecksum), err)
	// Output:
	// 970422 VQRQADAIJ5512 QRIBFTTA 7000 TL89 100
	// true vietqr: 63: CRC E346 does not match the payload, whose CRC is 9DFC: misread or altered
}
