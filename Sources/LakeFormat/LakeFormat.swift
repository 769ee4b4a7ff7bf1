// Module LakeFormat: see Package.swift for its role.
