// Module LakeStorage: see Package.swift for its role.
