// Module LakeCatalog: see Package.swift for its role.
