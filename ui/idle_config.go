package ui

import "time"

// SetIdleTimeout changes how long the kiosk waits without a touch before
// it warns (0: never), when the central system configures it. It takes
// effect at the next tick of the idle check (Options.IdleTicker), counted
// from the citizen's last touch; a warning on screen when the timeout is
// turned off goes away. Call it on the UI goroutine.
func (k *Kiosk) SetIdleTimeout(d time.Duration) {
	if k.screen == screenEnroll {
		return // staff are setting the kiosk up: nothing resets under them
	}
	k.opts.IdleTimeout = max(d, 0)
	if d > 0 && k.opts.IdleWarning <= 0 {
		k.opts.IdleWarning = DefaultIdleWarning
	}
	if d <= 0 && k.idleWarn != nil {
		k.idleWarn.Hide()
		k.idleWarn, k.idleCount = nil, nil
	}
}

// IdleTimeout is the idle timeout in force.
func (k *Kiosk) IdleTimeout() time.Duration { return k.opts.IdleTimeout }
