// Module LakeGenerator: see Package.swift for its role.
