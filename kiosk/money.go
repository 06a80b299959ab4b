package kiosk

import "strconv"

// FormatDong writes an amount of đồng the Vietnamese way, with dots as
// thousands separators: FormatDong(20000) == "20.000 đ".
func FormatDong(amount int64) string {
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	digits := strconv.FormatInt(amount, 10)
	out := make([]byte, 0, len(digits)+len(digits)/3)
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, digits[i])
	}
	return sign + string(out) + " đ"
}
