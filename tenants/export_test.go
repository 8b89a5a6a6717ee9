package tenants

import "gorm.io/gorm"

// StoreDB is a store's connection (or transaction), for the external tests of DirectoryOn.
func StoreDB(s *Store) *gorm.DB { return s.db }
