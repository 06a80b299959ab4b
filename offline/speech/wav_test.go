package speech

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"
)

// wav is the part of a RIFF/WAVE file the tests look at.
type wav struct {
	format, channels, bits uint16
	rate                   uint32
	data                   []byte
}

// parseWAV reads a RIFF/WAVE file: the "fmt " chunk and the "data"
// chunk. A chunk size past the end of the file (espeak-ng --stdout
// streams, so it writes 0x7ffff000) means "up to the end".
func parseWAV(b []byte) (wav, error) {
	var w wav
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return w, errors.New("not a RIFF/WAVE file")
	}
	haveFmt := false
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int64(binary.LittleEndian.Uint32(b[p+4:p+8]))
		p += 8
		end := int64(p) + size
		if end > int64(len(b)) {
			end = int64(len(b))
		}
		body := b[p:end]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return w, errors.New("short fmt chunk")
			}
			w.format = binary.LittleEndian.Uint16(body[0:])
			w.channels = binary.LittleEndian.Uint16(body[2:])
			w.rate = binary.LittleEndian.Uint32(body[4:])
			w.bits = binary.LittleEndian.Uint16(body[14:])
			haveFmt = true
		case "data":
			if !haveFmt {
				return w, errors.New("data chunk before fmt chunk")
			}
			w.data = body
			return w, nil
		}
		p = int(end) + int(size&1) // chunks are padded to an even size
	}
	return w, errors.New("no data chunk")
}

func (w wav) frameBytes() int { return int(w.channels) * int(w.bits) / 8 }

func (w wav) duration() time.Duration {
	if w.rate == 0 || w.frameBytes() == 0 {
		return 0
	}
	frames := len(w.data) / w.frameBytes()
	return time.Duration(frames) * time.Second / time.Duration(w.rate)
}

// rms is the root mean square of 16-bit samples, as a share of full scale.
func (w wav) rms() float64 {
	n := len(w.data) / 2
	if n == 0 || w.bits != 16 {
		return 0
	}
	var sum float64
	for i := range n {
		v := float64(int16(binary.LittleEndian.Uint16(w.data[2*i:]))) / 32768
		sum += v * v
	}
	return math.Sqrt(sum / float64(n))
}

// makeWAV builds a mono 16-bit file of samples, with the streamed
// header's sizes when streamed is set.
func makeWAV(rate uint32, samples []int16, streamed bool) []byte {
	data := make([]byte, 2*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(s))
	}
	dataSize, riffSize := uint32(len(data)), uint32(36+len(data))
	if streamed {
		dataSize, riffSize = 0x7ffff000, 0x7ffff024
	}
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, riffSize)
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = binary.LittleEndian.AppendUint16(b, 1) // PCM
	b = binary.LittleEndian.AppendUint16(b, 1) // mono
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = binary.LittleEndian.AppendUint32(b, rate*2)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, dataSize)
	return append(b, data...)
}

func TestParseWAV(t *testing.T) {
	const rate = 22050
	tone := make([]int16, 2*rate) // 2 s of a 440 Hz tone at half scale
	for i := range tone {
		tone[i] = int16(16384 * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	for _, streamed := range []bool{false, true} {
		w, err := parseWAV(makeWAV(rate, tone, streamed))
		if err != nil {
			t.Fatalf("streamed=%v: %v", streamed, err)
		}
		if w.format != 1 || w.bits != 16 || w.rate != rate || w.duration() != 2*time.Second {
			t.Errorf("streamed=%v: %+v, %v; want PCM 16-bit %d Hz, 2 s", streamed, w.format, w.duration(), rate)
		}
		if r := w.rms(); math.Abs(r-0.5/math.Sqrt2) > 0.01 {
			t.Errorf("streamed=%v: RMS %.3f; want about 0.354", streamed, r)
		}
	}
	silence, _ := parseWAV(makeWAV(rate, make([]int16, rate), false))
	if silence.rms() != 0 {
		t.Errorf("RMS of silence = %v; want 0", silence.rms())
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x00\x00\x00\x00WAVX"), []byte("RIFF\x04\x00\x00\x00WAVE")} {
		if _, err := parseWAV(bad); err == nil {
			t.Errorf("parseWAV(%q) = nil error; want one", bad)
		}
	}
}
