module github.com/imcheck/imcheck

go 1.26.8

require (
	github.com/cloudflare/circl v1.6.3
	golang.org/x/crypto v0.58.0
)

require (
	github.com/leanovate/gopter v0.2.11 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
