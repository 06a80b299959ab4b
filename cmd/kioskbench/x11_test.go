package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
)

// fakeSetup is an X server's successful set-up reply: one 24-bit screen
// of w × h whose root window is root, ZPixmaps at 32 bits per pixel.
func fakeSetup(root uint32, w, h uint16) []byte {
	le := binary.LittleEndian
	vendor := "Fake X"
	body := make([]byte, 32)
	le.PutUint16(body[16:], uint16(len(vendor)))
	body[20], body[21] = 1, 2 // screens, formats
	body = append(body, []byte(vendor)...)
	body = append(body, make([]byte, pad4(len(vendor))-len(vendor))...)
	body = append(body, 1, 1, 32, 0, 0, 0, 0, 0)   // depth 1: 1 bpp
	body = append(body, 24, 32, 32, 0, 0, 0, 0, 0) // depth 24: 32 bpp, pad 32
	screen := make([]byte, 40)
	le.PutUint32(screen[0:], root)
	le.PutUint16(screen[20:], w)
	le.PutUint16(screen[22:], h)
	screen[38] = 24
	body = append(body, screen...)
	head := []byte{1, 0, 11, 0, 0, 0, 0, 0}
	le.PutUint16(head[6:], uint16(len(body)/4))
	return append(head, body...)
}

func TestReadSetup(t *testing.T) {
	x, err := readSetup(bytes.NewReader(fakeSetup(0x2a5, 1280, 800)))
	if err != nil {
		t.Fatal(err)
	}
	if x.root != 0x2a5 || x.width != 1280 || x.height != 800 || x.depth != 24 || x.bpp != 32 || x.pad != 32 {
		t.Errorf("readSetup = root %#x %dx%d depth %d bpp %d pad %d; want root 0x2a5 1280x800 depth 24 bpp 32 pad 32",
			x.root, x.width, x.height, x.depth, x.bpp, x.pad)
	}
}

func TestReadSetupRefused(t *testing.T) {
	reason := "No protocol specified"
	reply := []byte{0, byte(len(reason)), 11, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(reply[6:], uint16(pad4(len(reason))/4))
	reply = append(reply, []byte(reason)...)
	reply = append(reply, make([]byte, pad4(len(reason))-len(reason))...)
	_, err := readSetup(bytes.NewReader(reply))
	if err == nil || !strings.Contains(err.Error(), reason) {
		t.Errorf("readSetup(refusal) = %v; want the server's reason", err)
	}
}

func TestDecodeZPixmap(t *testing.T) {
	// Two pixels a row, 32 bits each, little-endian: B G R X.
	data := []byte{
		0x00, 0xCD, 0xFF, 0, 0x10, 0x20, 0x30, 0,
		0xFF, 0xFF, 0xFF, 0, 0x00, 0x00, 0x00, 0,
	}
	s, err := decodeZPixmap(data, 2, 2, 32, 32, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	want := []rgb{gold, {0x30, 0x20, 0x10}, {0xFF, 0xFF, 0xFF}, {}}
	for i, p := range want {
		if s.Pix[i] != p {
			t.Errorf("pixel %d = %v; want %v", i, s.Pix[i], p)
		}
	}
	if _, err := decodeZPixmap(data[:12], 2, 2, 32, 32, binary.LittleEndian); err == nil {
		t.Error("decodeZPixmap of a short image: no error")
	}
}

// TestGetImage talks to a fake server over a pipe: the request is a
// GetImage of the rectangle asked for, and the reply is decoded.
func TestGetImage(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	go func() {
		defer server.Close()
		req := make([]byte, 20)
		if _, err := io.ReadFull(server, req); err != nil {
			return
		}
		le := binary.LittleEndian
		if req[0] != 73 || req[1] != 2 || le.Uint32(req[4:]) != 7 || le.Uint16(req[12:]) != 2 || le.Uint16(req[14:]) != 1 {
			server.Write(append([]byte{0, 8}, make([]byte, 30)...)) // BadMatch
			return
		}
		reply := make([]byte, 32)
		reply[0], reply[1] = 1, 24
		le.PutUint32(reply[4:], 2) // 2 words of data
		server.Write(append(reply, 0x00, 0xCD, 0xFF, 0, 1, 2, 3, 0))
	}()
	x := &xConn{c: client, order: binary.LittleEndian, root: 7, width: 1280, height: 800, depth: 24, bpp: 32, pad: 32}
	s, err := x.getImage(10, 20, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.at(0, 0) != gold || s.at(1, 0) != (rgb{3, 2, 1}) {
		t.Errorf("getImage = %v; want gold then #030201", s.Pix)
	}
}

func stripOf(rows ...[]rgb) strip {
	s := strip{W: len(rows[0]), H: len(rows)}
	for _, r := range rows {
		s.Pix = append(s.Pix, r...)
	}
	return s
}

func row(c rgb, n int) []rgb {
	r := make([]rgb, n)
	for i := range r {
		r[i] = c
	}
	return r
}

func TestHasBand(t *testing.T) {
	white, black := rgb{0xFF, 0xFF, 0xFF}, rgb{}
	partly := append(row(gold, 3), white)
	tests := []struct {
		name  string
		s     strip
		wantY int
		want  bool
	}{
		{"black screen", stripOf(row(black, 4), row(black, 4), row(black, 4)), 0, false},
		{"white page, no header yet", stripOf(row(white, 4), row(white, 4), row(white, 4), row(white, 4)), 0, false},
		{"the band, 4 rows at y=2", stripOf(row(white, 4), row(white, 4), row(gold, 4), row(gold, 4), row(gold, 4), row(gold, 4), row(white, 4)), 2, true},
		{"two gold rows only", stripOf(row(white, 4), row(gold, 4), row(gold, 4), row(white, 4)), 0, false},
		{"gold across part of the strip", stripOf(partly, partly, partly, partly), 0, false},
		{"almost gold", stripOf(row(rgb{0xFF, 0xCC, 0x00}, 4), row(rgb{0xFF, 0xCC, 0x00}, 4), row(rgb{0xFF, 0xCC, 0x00}, 4)), 0, false},
	}
	for _, tt := range tests {
		y, ok := hasBand(tt.s)
		if ok != tt.want || ok && y != tt.wantY {
			t.Errorf("%s: hasBand = %d, %v; want %d, %v", tt.name, y, ok, tt.wantY, tt.want)
		}
	}
}
