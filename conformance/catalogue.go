package conformance

// topics are the catalogue's topic files, in report order. Each returns its
// rows; Catalogue concatenates them.
var topics []func() []Case

// Catalogue returns every case, in a stable order.
func Catalogue() []Case {
	var out []Case
	for _, t := range topics {
		out = append(out, t()...)
	}
	return out
}
