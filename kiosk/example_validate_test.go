package kiosk_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

func ExampleParsePersonalID() {
	id, err := kiosk.ParsePersonalID("0010 8501 2345")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Number, id.Province, id.BirthYear, id.Female)

	_, err = kiosk.ParsePersonalID("00108501234")
	fmt.Println(err.(*kiosk.Invalid).Message.VI)
	// Output:
	// 001085012345 Hà Nội 1985 false
	// Số định danh phải có đúng 12 chữ số. Bạn đã nhập 11 chữ số.
}

func ExampleCheckPersonalID() {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	_, err := kiosk.CheckPersonalID("001285012345", now)
	fmt.Println(err)
	// Output:
	// This ID number gives 2085 as the year of birth, which has not come yet. Please check the 4th, 5th and 6th digits.
}

func ExampleNormalizePhone() {
	for _, s := range []string{"+84 912 345 678", "091.234.5678", "0168 123 4567"} {
		phone, err := kiosk.NormalizePhone(s)
		if err != nil {
			fmt.Println(err.(*kiosk.Invalid).Message.VI)
			continue
		}
		fmt.Println(phone)
	}
	// Output:
	// 0912345678
	// 0912345678
	// Đây là số 11 chữ số cũ. Từ năm 2018, đầu số 0168 đã đổi thành 038, nên số mới là 0381234567. Vui lòng nhập số mới.
}

func ExampleNormalizeEmail() {
	email, err := kiosk.NormalizeEmail("  Ten.Nguyen@Gmail.COM ")
	fmt.Println(email, err)
	// Output:
	// Ten.Nguyen@gmail.com <nil>
}

func ExampleNormalizeName() {
	// "Nguyễn" typed with separate accent marks (NFD), as some phones send it.
	name, err := kiosk.NormalizeName("  Nguye\u0302\u0303n   Văn An ")
	fmt.Println(name, name == "Nguyễn Văn An", err)

	_, err = kiosk.NormalizeName("Nguyễn Văn 3")
	fmt.Println(err)
	// Output:
	// Nguyễn Văn An true <nil>
	// A name has no digits. Please delete “3”.
}

func ExampleParseDate() {
	d, _ := kiosk.ParseDate("5.9.1985")
	fmt.Println(kiosk.FormatDate(d))

	_, err := kiosk.ParseDate("31/02/2024")
	msg := err.(*kiosk.Invalid).Message
	fmt.Println(msg.VI)
	fmt.Println(msg.EN)
	// Output:
	// 05/09/1985
	// Tháng 2 năm 2024 chỉ có 29 ngày. Bạn đã nhập ngày 31; vui lòng kiểm tra lại.
	// February 2024 has only 29 days. You entered day 31; please check it.
}

func ExampleCheckBirthDate() {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	_, err := kiosk.CheckBirthDate("30/11/2026", now)
	fmt.Println(err)
	// Output:
	// The date of birth cannot be after today (29/11/2026). Please check the day, month and year.
}

func ExampleCheckField() {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	field := kiosk.Field{
		ID: "full_name", Kind: kiosk.KindPersonName, Required: true,
		Label: kiosk.Text{VI: "Họ và tên", EN: "Full name"},
	}
	v, err := kiosk.CheckField(field, " trần   thị bình ", now)
	fmt.Printf("%q %v\n", v, err)

	_, err = kiosk.CheckField(field, "   ", now)
	var inv *kiosk.Invalid
	if errors.As(err, &inv) {
		fmt.Println(inv.Message.In(kiosk.VI))
		fmt.Println(inv.Message.In(kiosk.EN))
	}
	// Output:
	// "trần thị bình" <nil>
	// Vui lòng nhập họ và tên.
	// Please enter full name.
}

func ExampleValidateForm() {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	sex := []kiosk.Option{
		{Value: kiosk.SexMale, Label: kiosk.Text{VI: "Nam", EN: "Male"}},
		{Value: kiosk.SexFemale, Label: kiosk.Text{VI: "Nữ", EN: "Female"}},
	}
	form := []kiosk.Field{
		{ID: "id", Kind: kiosk.KindPersonalID, Required: true, Person: "applicant"},
		{ID: "dob", Kind: kiosk.KindDate, Role: kiosk.RoleBirthDate, Person: "applicant"},
		{ID: "sex", Kind: kiosk.KindSelect, Role: kiosk.RoleSex, Options: sex, Person: "applicant"},
	}
	clean, problems := kiosk.ValidateForm(form, map[string]string{
		"id": "001085012345", "dob": "5/9/1986", "sex": "nam",
	}, now)
	fmt.Println(clean)
	fmt.Println(problems["id"].VI)
	// Output:
	// map[dob:05/09/1986 sex:nam]
	// Năm sinh trong số định danh (1985) khác với ngày sinh đã nhập (1986). Vui lòng kiểm tra lại số định danh hoặc ngày sinh.
}
