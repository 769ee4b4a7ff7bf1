// Module LakePipeline: see Package.swift for its role.
