package centralsim

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestRoutesMatchTheContract keeps openapi.yaml the source of truth: the
// server may serve no route the spec lacks, and the spec may list no route
// the server does not serve.
func TestRoutesMatchTheContract(t *testing.T) {
	data, err := os.ReadFile("../central/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.1") {
		t.Errorf("openapi.yaml is OpenAPI %q; want 3.1", spec.OpenAPI)
	}
	methods := []string{"get", "put", "post", "delete", "patch", "head", "options"}
	var inSpec []string
	for path, item := range spec.Paths {
		for m := range item {
			if slices.Contains(methods, m) {
				inSpec = append(inSpec, strings.ToUpper(m)+" "+path)
			}
		}
	}
	s, _ := testServer(t, nil)
	var served []string
	for _, r := range s.Routes() {
		served = append(served, r.Method+" "+r.Path)
	}
	for _, r := range served {
		if !slices.Contains(inSpec, r) {
			t.Errorf("the server serves %s, which openapi.yaml lacks", r)
		}
	}
	for _, r := range inSpec {
		if !slices.Contains(served, r) {
			t.Errorf("openapi.yaml lists %s, which the server does not serve", r)
		}
	}
}
