package adminpin_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/motcua/kiosk/offline/adminpin"
)

func Example() {
	dir, _ := os.MkdirTemp("", "kiosk")
	defer os.RemoveAll(dir)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	g, _ := adminpin.Open(dir, adminpin.Options{
		Now:    func() time.Time { return now },
		Params: adminpin.Params{Time: 1, Memory: 64, Threads: 1}, // cheap, for the example
	})

	fmt.Println(g.Ready())
	fmt.Println(g.Set("123456"))
	fmt.Println(g.Set("482913"))
	for range 5 {
		err := g.Check("000000")
		var locked *adminpin.LockedError
		if errors.As(err, &locked) {
			fmt.Println("locked for", locked.Until.Sub(now))
		} else {
			fmt.Println(err)
		}
	}
	now = now.Add(5 * time.Minute)
	fmt.Println(g.Check("482913"))
	// Output:
	// no admin PIN is set: set one with `kiosk admin-pin`
	// the admin PIN is too weak: do not use consecutive digits (like 123456 or 654321)
	// <nil>
	// wrong admin PIN (4 tries left)
	// wrong admin PIN (3 tries left)
	// wrong admin PIN (2 tries left)
	// wrong admin PIN (1 tries left)
	// locked for 5m0s
	// <nil>
}
