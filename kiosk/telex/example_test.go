package telex_test

import (
	"fmt"

	"github.com/motcua/kiosk/kiosk/telex"
)

func ExampleConvert() {
	fmt.Println(telex.Convert("Nguyeenx Vawn Tuaasn"))
	fmt.Println(telex.Convert("Soos 12, dduwowngf Lee Lowij, DDaf Nawngx"))
	fmt.Println(telex.Convert("hoaf, thuys, hoanf")) // the modern tone placement
	// Output:
	// Nguyễn Văn Tuấn
	// Số 12, đường Lê Lợi, Đà Nẵng
	// hoà, thuý, hoàn
}

// The on-screen keyboard keeps the text before the cursor and asks Type what
// it becomes after each key.
func ExampleType() {
	text := ""
	for _, key := range "Tuaasn" {
		text = telex.Type(text, key)
		fmt.Println(text)
	}
	fmt.Println(telex.Type("tá", 's')) // the same tone key again undoes it
	// Output:
	// T
	// Tu
	// Tua
	// Tuâ
	// Tuấ
	// Tuấn
	// tas
}

// A citizen who does not know Telex types the plain letters and taps the
// palette: first the hat on the e, then the ngã.
func ExampleApplyTone() {
	word := telex.ApplyMark("Nguyen", telex.Circumflex)
	fmt.Println(word)
	fmt.Println(telex.ApplyTone(word, telex.Nga))
	fmt.Println(telex.ApplyTone("Nguyễn", telex.None))
	// Output:
	// Nguyên
	// Nguyễn
	// Nguyên
}

func ExampleApplyMark() {
	fmt.Println(telex.ApplyMark("duong", telex.Horn))
	fmt.Println(telex.ApplyMark("dương", telex.Stroke))
	fmt.Println(telex.ApplyMark("Van", telex.Breve))
	fmt.Println(telex.ApplyMark("Văn", telex.Breve)) // a second tap takes it off
	// Output:
	// dương
	// đương
	// Văn
	// Van
}
