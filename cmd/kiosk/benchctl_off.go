//go:build !bench

package main

import "github.com/motcua/kiosk/offline"

// The production build has no control channel and tells nobody what it
// saved: only the control build (benchctl.go, -tags bench) does.

func startBenchControl(*backend) {}

func ackedSaves(s *offline.Store) draftSaver { return s }

func ackSubmitting(string) {}

func ackQueued(offline.OutboxItem) {}
