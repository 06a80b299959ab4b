package kiosk

import "testing"

func TestFormatDong(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 đ"},
		{999, "999 đ"},
		{1000, "1.000 đ"},
		{20000, "20.000 đ"},
		{200000, "200.000 đ"},
		{1234567, "1.234.567 đ"},
		{-50000, "-50.000 đ"},
	}
	for _, tt := range tests {
		if got := FormatDong(tt.in); got != tt.want {
			t.Errorf("FormatDong(%d) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
