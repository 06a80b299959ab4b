package offline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/motcua/kiosk/offline"
)

// exampleStore opens a store in a temporary directory; the returned
// function closes and removes it.
func exampleStore() (*offline.Store, func()) {
	dir, err := os.MkdirTemp("", "kiosk-example")
	if err != nil {
		panic(err)
	}
	store, err := offline.Open(dir, offline.Options{})
	if err != nil {
		panic(err)
	}
	return store, func() { store.Close(); os.RemoveAll(dir) }
}

func ExampleStore_SaveDraft() {
	store, done := exampleStore()
	defer done()

	d := offline.NewDraft("dang-ky-khai-sinh", "2026.11-sample")
	d.BirthDate = "05/09/1990"
	d.Answers["child_name"] = "Trần Minh An"
	if err := store.SaveDraft(d); err != nil {
		// The UI says "Chưa lưu được…" and keeps the answers in memory.
		fmt.Println(err)
		return
	}
	// Saved, sealed and synced to disk. The citizen may leave with the
	// resume code (shown as FormatResumeCode(d.ResumeCode)).
	loaded, err := store.LoadDraft(d.ID)
	fmt.Println(loaded.Answers["child_name"], len(d.ResumeCode), err)
	// Output: Trần Minh An 8 <nil>
}

func ExampleStore_ResumeDraft() {
	store, done := exampleStore()
	defer done()
	d := offline.NewDraft("dang-ky-khai-sinh", "2026.11-sample")
	d.BirthDate = "05/09/1990"
	d.Answers["child_name"] = "Trần Minh An"
	if err := store.SaveDraft(d); err != nil {
		fmt.Println(err)
		return
	}
	code := strings.ToLower(offline.FormatResumeCode(d.ResumeCode)) // as typed days later

	_, err := store.ResumeDraft(code, "06/09/1990")
	var wrong *offline.WrongBirthDateError
	if errors.As(err, &wrong) {
		fmt.Println("wrong date of birth;", wrong.TriesLeft, "tries left")
	}
	resumed, err := store.ResumeDraft(code, "5/9/1990")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resumed.Answers["child_name"])
	// Output:
	// wrong date of birth; 4 tries left
	// Trần Minh An
}

func ExampleAutosaver() {
	store, done := exampleStore()
	defer done()
	// The UI passes a function that hands the result to fyne.Do.
	saver := offline.NewAutosaver(store, 250*time.Millisecond, func(err error) {
		if err != nil {
			fmt.Println("Chưa lưu được:", err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { saver.Run(ctx); close(stopped) }()

	d := offline.NewDraft("dang-ky-khai-sinh", "2026.11-sample")
	for _, typed := range []string{"T", "Tr", "Trầ", "Trần"} { // every edit
		d.Answers["child_name"] = typed
		saver.Changed(d)
	}
	// Before submitting: make sure the latest answers are on disk.
	if err := saver.Flush(); err != nil {
		fmt.Println(err)
	}
	cancel()
	<-stopped
	saved, _ := store.LoadDraft(d.ID)
	fmt.Println(saved.Answers["child_name"])
	// Output: Trần
}
