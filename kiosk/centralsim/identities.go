package centralsim

import (
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// sampleIdentities are the citizens the simulated identity provider (a
// stand-in for VNeID) knows. They are made up, but each number is a valid
// personal identification number whose province, sex and century digit and
// birth year agree with the birth date and sex, so the kiosk's own
// validators and cross-checks accept them as they would a real citizen.
// The addresses use the two-level units in force since July 2025.
var sampleIdentities = []central.Identity{
	{
		FullName:   "Nguyễn Văn An",
		PersonalID: "001085012345", // 001 Hà Nội, 0 male 19xx, 85
		BirthDate:  "15/03/1985",
		Sex:        kiosk.SexMale,
		Address:    "Số 12 ngõ 34 phố Trần Duy Hưng, phường Yên Hòa, thành phố Hà Nội",
	},
	{
		FullName:   "Trần Thị Bích Ngọc",
		PersonalID: "036192004567", // 036 Nam Định, 1 female 19xx, 92
		BirthDate:  "22/08/1992",
		Sex:        kiosk.SexFemale,
		Address:    "Xóm 3, thôn Đông, xã Tân Phú, tỉnh Ninh Bình",
	},
	{
		FullName:   "Lê Hoàng Minh",
		PersonalID: "079201003456", // 079 Hồ Chí Minh, 2 male 20xx, 01
		BirthDate:  "05/11/2001",
		Sex:        kiosk.SexMale,
		Address:    "Số 45 đường Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh",
	},
	{
		FullName:   "Phạm Thị Thu Hà",
		PersonalID: "038168007890", // 038 Thanh Hóa, 1 female 19xx, 68
		BirthDate:  "30/06/1968",
		Sex:        kiosk.SexFemale,
		Address:    "Số 8 đường Hàm Nghi, phường Hạc Thành, tỉnh Thanh Hóa",
	},
}

// Messages of the simulated sign-in form.
var (
	msgIDUnknown = kiosk.Text{
		VI: "Số định danh này không có trong dữ liệu mô phỏng. Hãy chọn một người trong danh sách ở trên, hoặc nhập số định danh của một người trong danh sách.",
		EN: "This ID number is not in the simulated data. Choose a person from the list above, or enter the ID number of someone on it.",
	}
	msgWrongOTP = kiosk.Text{
		VI: "Mã OTP không đúng. Hãy nhập đúng 6 chữ số của mã OTP hiện trên trang này.",
		EN: "The OTP is wrong. Enter the 6 digits of the OTP shown on this page.",
	}
	msgPickIdentity = kiosk.Text{
		VI: "Hãy chọn một người trong danh sách, hoặc nhập số định danh và mã OTP.",
		EN: "Choose a person from the list, or enter an ID number and the OTP.",
	}
)

// pickIdentity reads the sign-in form: either a sample identity's button
// (field "identity", its index) or an ID number plus the link's one-time
// code. It returns the identity, or a message for the citizen.
func pickIdentity(form map[string]string, otp string) (central.Identity, kiosk.Text) {
	if v := form["identity"]; v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(sampleIdentities) {
			return central.Identity{}, msgPickIdentity
		}
		return sampleIdentities[i], kiosk.Text{}
	}
	pid, err := kiosk.ParsePersonalID(form["personal_id"])
	if err != nil {
		msg := msgPickIdentity
		var inv *kiosk.Invalid
		if errors.As(err, &inv) {
			msg = inv.Message
		}
		return central.Identity{}, msg
	}
	given := strings.TrimSpace(form["otp"])
	if otp == "" || subtle.ConstantTimeCompare([]byte(given), []byte(otp)) != 1 {
		return central.Identity{}, msgWrongOTP
	}
	for _, id := range sampleIdentities {
		if id.PersonalID == pid.Number {
			return id, kiosk.Text{}
		}
	}
	return central.Identity{}, msgIDUnknown
}
