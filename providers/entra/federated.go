package entra

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// federatedPath is the collection of an application's federated
// credentials.
func federatedPath(appObjectID string) string {
	return "/applications/" + idSegment(appObjectID) + "/federatedIdentityCredentials"
}

// federatedUpdate is the body of a federated credential update: everything
// but the name, which cannot change.
type federatedUpdate struct {
	Issuer      string   `json:"issuer"`
	Subject     string   `json:"subject"`
	Audiences   []string `json:"audiences"`
	Description *string  `json:"description,omitempty"`
}

func updateBody(f FederatedIdentityCredential) federatedUpdate {
	u := federatedUpdate{Issuer: f.Issuer, Subject: f.Subject, Audiences: f.Audiences, Description: f.Description}
	if u.Audiences == nil {
		u.Audiences = []string{}
	}
	return u
}

// CreateFederatedCredential adds a federated credential to an application
// (an application created moments ago is waited for). When one with that
// name exists (409), it is updated to f and returned.
func (p *Provider) CreateFederatedCredential(ctx context.Context, appObjectID string, f FederatedIdentityCredential) (*FederatedIdentityCredential, error) {
	f.ID = ""
	if f.Audiences == nil {
		f.Audiences = []string{}
	}
	var created FederatedIdentityCredential
	err := p.post(ctx, federatedPath(appObjectID), f, &created, p.retry())
	if err == nil {
		return &created, nil
	}
	if !isAlreadyExists(err) {
		return nil, fmt.Errorf("adding federated credential %q to application %s: %w", f.Name, appObjectID, err)
	}
	// 409 also answers a credential of another name with the same issuer
	// and subject: only one of the same name is updated. One created
	// moments ago (by an apply that was killed before it heard the answer)
	// may not be listed yet: wait for it, unless another credential already
	// explains the conflict.
	var existing *FederatedIdentityCredential
	lerr := p.poll(ctx, func() (bool, error) {
		list, err := listAll[FederatedIdentityCredential](ctx, p, federatedPath(appObjectID), p.retry())
		if err != nil {
			return false, err
		}
		if i := slices.IndexFunc(list, func(x FederatedIdentityCredential) bool { return strings.EqualFold(x.Name, f.Name) }); i >= 0 {
			existing = &list[i]
			return true, nil
		}
		other := slices.ContainsFunc(list, func(x FederatedIdentityCredential) bool { return x.Issuer == f.Issuer && x.Subject == f.Subject })
		return other, nil
	})
	if lerr != nil {
		return nil, fmt.Errorf("adding federated credential %q to application %s: %w (and listing the existing ones: %v)", f.Name, appObjectID, err, lerr)
	}
	if existing == nil {
		return nil, fmt.Errorf("adding federated credential %q to application %s: %w", f.Name, appObjectID, err)
	}
	if err := p.UpdateFederatedCredential(ctx, appObjectID, existing.ID, f); err != nil {
		return nil, err
	}
	existing.Issuer, existing.Subject, existing.Audiences, existing.Description = f.Issuer, f.Subject, f.Audiences, f.Description
	return existing, nil
}

// UpdateFederatedCredential updates a federated credential; its name is
// not sent (it cannot change: replace the credential to rename it).
func (p *Provider) UpdateFederatedCredential(ctx context.Context, appObjectID, id string, f FederatedIdentityCredential) error {
	if err := p.patch(ctx, federatedPath(appObjectID)+"/"+idSegment(id), updateBody(f), p.retry()); err != nil {
		return fmt.Errorf("updating federated credential %s of application %s: %w", id, appObjectID, err)
	}
	return nil
}

// DeleteFederatedCredential deletes a federated credential. One already
// gone is not an error.
func (p *Provider) DeleteFederatedCredential(ctx context.Context, appObjectID, id string) error {
	err := p.delete(ctx, federatedPath(appObjectID)+"/"+idSegment(id))
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("deleting federated credential %s of application %s: %w", id, appObjectID, err)
	}
	return nil
}
