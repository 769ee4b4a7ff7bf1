// Module LakeJSON: see Package.swift for its role.
