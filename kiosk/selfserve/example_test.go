package selfserve_test

import (
	"fmt"
	"os"
	"time"

	"github.com/motcua/kiosk/kiosk/selfserve"
)

// A day's sessions at one kiosk become the figures the admin screen shows
// and the CSV a province's spreadsheet reads.
func Example() {
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*60*60))
	sessions := []selfserve.Session{
		{Procedure: "dang-ky-khai-sinh", Started: start, Outcome: selfserve.Finished, LastStep: selfserve.StepDone, Rating: 5,
			Steps: []selfserve.Step{{Name: selfserve.StepConsent, Duration: 20 * time.Second},
				{Name: selfserve.QuestionStep("ho_ten"), Duration: 45 * time.Second}}},
		{Procedure: "dang-ky-khai-sinh", Started: start, Outcome: selfserve.Abandoned, LastStep: selfserve.QuestionStep("ho_ten"),
			HelpRequests: 1, Steps: []selfserve.Step{{Name: selfserve.StepConsent, Duration: 40 * time.Second}}},
	}
	tally := selfserve.Tally{Date: selfserve.DayOf(start), Procedure: "dang-ky-khai-sinh"}
	for _, s := range sessions {
		tally.Add(s)
	}
	fig := tally.Figures()
	fmt.Printf("%s: %d started, %d finished, %.0f%% on their own, abandoned at %v, consent takes %v\n",
		fig.Date, fig.Started, fig.Finished, 100*fig.SelfServedShare(), fig.AbandonedAt, fig.StepMedian[selfserve.StepConsent])
	if err := selfserve.WriteCSV(os.Stdout, []selfserve.Figures{fig}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2026-03-10: 2 started, 1 finished, 100% on their own, abandoned at map[q:ho_ten:1], consent takes 30s
	// date,procedure,started,finished,abandoned,self_served,assisted,help_requests,practice,self_served_share,rating_1,rating_2,rating_3,rating_4,rating_5,abandoned_at,median_seconds_by_step
	// 2026-03-10,dang-ky-khai-sinh,2,1,1,1,0,1,0,1.000,0,0,0,0,1,q:ho_ten=1,consent=30.0;q:ho_ten=45.0
}
