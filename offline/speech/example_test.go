package speech_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/offline/speech"
)

// The kiosk shows "Nghe hướng dẫn" only when the machine has a voice for
// the language; here no synthesizer is installed.
func ExampleSpeaker_Available() {
	s := speech.New(speech.Options{
		Log:      zerolog.Nop(),
		LookPath: func(string) (string, error) { return "", exec.ErrNotFound },
	})
	<-s.Ready()
	fmt.Println(s.Available(kiosk.VI))
	err := s.Speak(context.Background(), "Bước 3: Nhập họ và tên của bạn, rồi bấm Tiếp tục.", kiosk.VI)
	fmt.Println(errors.Is(err, speech.ErrUnavailable))
	// Output:
	// false
	// true
}
