package auth

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"software.sslmate.com/src/go-pkcs12"
)

// LoadCertificate reads a client certificate with its private key from
// path: PEM (CERTIFICATE blocks plus a PRIVATE KEY or RSA PRIVATE KEY
// block, unencrypted) or PFX/PKCS#12 (password may be empty). The key must
// be RSA: Entra ID verifies client assertions signed with RSA.
func LoadCertificate(path, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading certificate: %w", err)
	}
	var (
		certs []*x509.Certificate
		key   crypto.PrivateKey
	)
	if bytes.Contains(data, []byte("-----BEGIN")) {
		certs, key, err = parsePEM(data)
	} else {
		certs, key, err = parsePFX(data, password)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("certificate %s: %w", path, err)
	}
	if _, ok := key.(*rsa.PrivateKey); !ok {
		return nil, nil, fmt.Errorf("certificate %s: the private key is %T; Entra ID client certificates need an RSA key", path, key)
	}
	return certs, key, nil
}

func parsePEM(data []byte) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var (
		certs []*x509.Certificate
		key   crypto.PrivateKey
	)
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("parsing CERTIFICATE block: %w", err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if key != nil {
				return nil, nil, errors.New("more than one private key")
			}
			k, err := parsePrivateKey(block)
			if err != nil {
				return nil, nil, err
			}
			key = k
		case "ENCRYPTED PRIVATE KEY":
			return nil, nil, errors.New("the private key is encrypted; use an unencrypted PEM key or a PFX file with AZURE_CLIENT_CERTIFICATE_PASSWORD")
		}
	}
	if len(certs) == 0 {
		return nil, nil, errors.New("no CERTIFICATE block")
	}
	if key == nil {
		return nil, nil, errors.New("no private key block (the PEM file must hold the certificate and its key)")
	}
	return certs, key, nil
}

func parsePrivateKey(block *pem.Block) (crypto.PrivateKey, error) {
	if _, encrypted := block.Headers["DEK-Info"]; encrypted {
		return nil, errors.New("the private key is encrypted (legacy PEM encryption is not supported)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing RSA PRIVATE KEY: %w", err)
		}
		return k, nil
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing EC PRIVATE KEY: %w", err)
		}
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing PRIVATE KEY: %w", err)
	}
	return k, nil
}

func parsePFX(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, errors.New("wrong PFX password (AZURE_CLIENT_CERTIFICATE_PASSWORD)")
		}
		return nil, nil, fmt.Errorf("not a PEM file, and reading it as PFX failed: %w", err)
	}
	return append([]*x509.Certificate{cert}, chain...), key, nil
}
