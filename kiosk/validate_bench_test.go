package kiosk

import (
	"testing"

	"github.com/motcua/kiosk/assets"
)

// benchFields are the field kinds the kiosk validates, each with an
// answer a citizen would give and a mistake a citizen would make. A date
// of birth is its own case: it also compares with today.
var benchFields = []struct {
	name           string
	field          Field
	valid, invalid string
}{
	{"person_name", Field{Kind: KindPersonName, Required: true, Label: Text{VI: "Họ và tên", EN: "Full name"}},
		" nguyễn  thị mai ", "Nguyễn Thị Mai 2"},
	{"personal_id", Field{Kind: KindPersonalID, Required: true, Label: Text{VI: "Số định danh cá nhân", EN: "Personal ID number"}},
		"0010 9001 2345", "00119001234"},
	{"phone", Field{Kind: KindPhone, Required: true, Label: Text{VI: "Số điện thoại", EN: "Phone number"}},
		"+84 912 345 678", "0162 345 6789"},
	{"date", Field{Kind: KindDate, Required: true, Label: Text{VI: "Ngày cấp", EN: "Date of issue"}},
		"5.9.2021", "31/02/2024"},
	{"date_of_birth", Field{Kind: KindDate, Role: RoleBirthDate, Required: true, Label: Text{VI: "Ngày sinh", EN: "Date of birth"}},
		"05/09/1990", "30/11/2026"},
	{"email", Field{Kind: KindEmail, Label: Text{VI: "Email", EN: "Email"}},
		"Nguyen.Mai@Gmail.com", "nguyen.mai@gmail"},
	{"number", Field{Kind: KindNumber, Label: Text{VI: "Số bản sao trích lục", EN: "Number of copies"}},
		"2", "1,5"},
	{"text", Field{Kind: KindText, Required: true, Label: Text{VI: "Lý do", EN: "Reason"}},
		"Gia đình chuyển về quê nội sinh sống.\r\n\r\nXin cấp lại  bản sao để làm thủ tục nhập học cho cháu.",
		"Gia đình chuyển về quê nội\u200b sinh sống."},
	{"address", Field{Kind: KindAddress, Required: true, Label: Text{VI: "Nơi sinh", EN: "Place of birth"}},
		"Bệnh viện Đa khoa tỉnh,  phường Tân Phú,\nthành phố Cần Thơ", "Số 1 đường Láng Hạ, quận Đống Đa\u202e"},
	{"select", Field{Kind: KindSelect, Role: RoleSex, Required: true, Options: sexOptions, Label: Text{VI: "Giới tính", EN: "Sex"}},
		"NU", "khac"},
	{"yes_no", Field{Kind: KindYesNo, Required: true, Label: Text{VI: "Cha mẹ đã đăng ký kết hôn?", EN: "Are the parents married?"}},
		"Có", "chưa rõ"},
	{"attachment", Field{Kind: KindAttachment, Label: Text{VI: "Ảnh giấy chứng sinh", EN: "Photo of the birth notice"}},
		"att_01HXYZ9KQ3", "att 01HXYZ9KQ3"},
}

// BenchmarkValidate checks one answer at a time with CheckField, as the
// wizard does at every "Tiếp tục", alternating a valid and an invalid
// answer of each kind (an invalid one also builds its message).
func BenchmarkValidate(b *testing.B) {
	for _, tc := range benchFields {
		if _, err := CheckField(tc.field, tc.valid, testNow); err != nil {
			b.Fatalf("%s: CheckField(%q) = %v; want it valid", tc.name, tc.valid, err)
		}
		if _, err := CheckField(tc.field, tc.invalid, testNow); err == nil {
			b.Fatalf("%s: CheckField(%q) = nil; want an error", tc.name, tc.invalid)
		}
		in := [2]string{tc.valid, tc.invalid}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				CheckField(tc.field, in[i&1], testNow)
			}
		})
	}
}

// BenchmarkValidateForm checks a whole khai sinh, the sample catalog's
// longest form, cross-checks included: the check page does it to list
// the problems and again to allow sending.
func BenchmarkValidateForm(b *testing.B) {
	cat, err := ParseCatalog(assets.SampleCatalog())
	if err != nil {
		b.Fatal(err)
	}
	p, ok := cat.Procedure("dang-ky-khai-sinh")
	if !ok {
		b.Fatal("no dang-ky-khai-sinh in the sample catalog")
	}
	answers := map[string]string{
		"child_name": "Trần Minh An", "child_dob": "17/11/2026", "child_sex": "nam",
		"child_birthplace": "Bệnh viện Đa khoa tỉnh", "child_ethnicity": "kinh", "child_hometown": "Hà Nội",
		"mother_name": "Nguyễn Thị Mai", "mother_id": "001190012345", "mother_dob": "05/09/1990",
		"parents_married": "yes", "applicant_name": "Nguyễn Thị Mai", "applicant_id": "001190012345",
		"applicant_relationship": "me", "extract_copies": "1", "applicant_phone": "0912 345 678",
	}
	if _, problems := ValidateForm(p.Form, answers, testNow); problems != nil {
		b.Fatalf("ValidateForm(khai sinh) = %v; want no problems", problems)
	}
	b.ReportAllocs()
	for b.Loop() {
		ValidateForm(p.Form, answers, testNow)
	}
}
