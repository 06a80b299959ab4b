package main

// A minimal X11 client: the connection set-up and one request, GetImage.
// That is all the harness needs to read a strip of the root window a few
// hundred times a second, and it is about 150 lines; an X11 library
// (jezek/xgb: generated bindings for the whole protocol and its
// extensions) would add a module for two messages, and forking xwd for
// every poll would cost the apps under test the CPU we are measuring.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// xConn is a connection to an X server, with what its set-up said about
// the first screen.
type xConn struct {
	c      net.Conn
	order  binary.ByteOrder // the server's image byte order
	root   uint32
	width  int
	height int
	depth  byte
	bpp    byte // bits per pixel of a ZPixmap at the root's depth
	pad    int  // scanline pad of that format, in bits
}

// dialX connects to a local display such as ":99" over its Unix socket.
// Our own Xvfb runs without -auth, so no authorisation is sent.
func dialX(display string) (*xConn, error) {
	num := strings.TrimPrefix(display, ":")
	if i := strings.IndexByte(num, '.'); i >= 0 {
		num = num[:i]
	}
	c, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+num, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("the X display %s: %w", display, err)
	}
	// 'l': we speak little-endian; protocol 11.0; no authorisation.
	hello := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := c.Write(hello); err != nil {
		c.Close()
		return nil, fmt.Errorf("the X display %s: %w", display, err)
	}
	x, err := readSetup(c)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("the X display %s: %w", display, err)
	}
	x.c = c
	return x, nil
}

func (x *xConn) Close() error { return x.c.Close() }

// readSetup reads the server's answer to the connection set-up.
func readSetup(r io.Reader) (*xConn, error) {
	head := make([]byte, 8)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	more := make([]byte, 4*int(binary.LittleEndian.Uint16(head[6:8])))
	if _, err := io.ReadFull(r, more); err != nil {
		return nil, err
	}
	switch head[0] {
	case 1:
		return parseSetup(more)
	case 0:
		n := min(int(head[1]), len(more))
		return nil, fmt.Errorf("the server refused the connection: %s", more[:n])
	}
	return nil, errors.New("the server wants authorisation (start Xvfb without -auth)")
}

// parseSetup reads the successful set-up's body (after its first 8
// bytes): the pixmap formats and the first screen.
func parseSetup(b []byte) (*xConn, error) {
	if len(b) < 32 {
		return nil, errors.New("short X set-up reply")
	}
	le := binary.LittleEndian
	vendorLen := int(le.Uint16(b[16:18]))
	nScreens, nFormats := int(b[20]), int(b[21])
	x := &xConn{order: binary.LittleEndian}
	if b[22] == 1 {
		x.order = binary.BigEndian
	}
	formats := 32 + pad4(vendorLen)
	screen := formats + 8*nFormats
	if nScreens < 1 || len(b) < screen+40 {
		return nil, errors.New("the X set-up reply has no screen")
	}
	s := b[screen:]
	x.root = le.Uint32(s[0:4])
	x.width, x.height = int(le.Uint16(s[20:22])), int(le.Uint16(s[22:24]))
	x.depth = s[38]
	for i := range nFormats {
		f := b[formats+8*i:]
		if f[0] == x.depth {
			x.bpp, x.pad = f[1], int(f[2])
		}
	}
	if x.bpp != 32 && x.bpp != 24 {
		return nil, fmt.Errorf("root depth %d at %d bits per pixel: want a 24-bit true-colour screen (Xvfb -screen 0 WxHx24)", x.depth, x.bpp)
	}
	return x, nil
}

func pad4(n int) int { return (n + 3) &^ 3 }

// rgb is one pixel.
type rgb struct{ R, G, B uint8 }

// strip is a rectangle of the screen read back, row by row.
type strip struct {
	W, H int
	Pix  []rgb
}

func (s strip) at(x, y int) rgb { return s.Pix[y*s.W+x] }

// getImage reads a rectangle of the root window (GetImage, ZPixmap, all
// planes).
func (x *xConn) getImage(left, top, w, h int) (strip, error) {
	req := make([]byte, 20)
	le := binary.LittleEndian
	req[0], req[1] = 73, 2 // GetImage, ZPixmap
	le.PutUint16(req[2:], 5)
	le.PutUint32(req[4:], x.root)
	le.PutUint16(req[8:], uint16(left))
	le.PutUint16(req[10:], uint16(top))
	le.PutUint16(req[12:], uint16(w))
	le.PutUint16(req[14:], uint16(h))
	le.PutUint32(req[16:], 0xFFFFFFFF)
	_ = x.c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := x.c.Write(req); err != nil {
		return strip{}, err
	}
	head := make([]byte, 32)
	if _, err := io.ReadFull(x.c, head); err != nil {
		return strip{}, err
	}
	if head[0] == 0 {
		return strip{}, fmt.Errorf("GetImage %dx%d+%d+%d: X error %d", w, h, left, top, head[1])
	}
	data := make([]byte, 4*int(le.Uint32(head[4:8])))
	if _, err := io.ReadFull(x.c, data); err != nil {
		return strip{}, err
	}
	return decodeZPixmap(data, w, h, int(x.bpp), x.pad, x.order)
}

// decodeZPixmap turns a true-colour ZPixmap (8 bits each of red, green
// and blue in the low 24 bits of a pixel) into pixels.
func decodeZPixmap(data []byte, w, h, bpp, padBits int, order binary.ByteOrder) (strip, error) {
	bytesPP := bpp / 8
	stride := (w*bpp + padBits - 1) / padBits * padBits / 8
	if len(data) < stride*h {
		return strip{}, fmt.Errorf("GetImage: %d bytes for %dx%d", len(data), w, h)
	}
	s := strip{W: w, H: h, Pix: make([]rgb, w*h)}
	for y := range h {
		row := data[y*stride:]
		for i := range w {
			p := row[i*bytesPP:]
			var v uint32
			if bytesPP == 4 {
				v = order.Uint32(p)
			} else if order == binary.LittleEndian {
				v = uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16
			} else {
				v = uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
			}
			s.Pix[y*w+i] = rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}
		}
	}
	return s, nil
}
