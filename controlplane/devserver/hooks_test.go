package devserver

// SetMaxReceiving sets how many calls on s's gRPC endpoint may wait for
// their request message at once, so that a test reaches the bound without
// opening ten connections. Call it before s serves.
func SetMaxReceiving(s *Server, n int) {
	s.arrivals.mu.Lock()
	defer s.arrivals.mu.Unlock()
	s.arrivals.max = n
}
