package practice_test

import (
	"fmt"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/practice"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// A practice question shows the made-up person's answer to type; at the
// end the debrief says what went well and what to try again.
func ExampleReview() {
	set := practice.Default()
	p, _ := set.Catalog.Procedure("practice-khai-sinh")
	fmt.Println(set.Sample(p.ID, "mother_name"))

	run := selfserve.Session{Procedure: p.ID, Practice: true, Outcome: selfserve.Finished, Steps: []selfserve.Step{
		{Name: "q:mother_name", Duration: 40 * time.Second},
		{Name: "q:mother_id", Duration: 95 * time.Second, Errors: 2},
		{Name: "review", Duration: 20 * time.Second},
	}}
	r := practice.Review(run)
	for _, s := range r.WentWell {
		fmt.Println("tốt:", practice.StepTitle(p, s, kiosk.VI))
	}
	fmt.Println("thử lại:", practice.StepTitle(p, r.TryAgain, kiosk.VI))
	// Output:
	// Nguyễn Thị Mẫu
	// tốt: “Họ, chữ đệm và tên của mẹ”
	// tốt: kiểm tra lại câu trả lời
	// thử lại: “Số định danh cá nhân của mẹ”
}
