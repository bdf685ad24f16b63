//go:build !unix

package wslock

import "os"

// Without flock the lock is always granted: applies are not serialised.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) error { return nil }
