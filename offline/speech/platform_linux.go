package speech

func platform() backend { return espeakBackend() }
