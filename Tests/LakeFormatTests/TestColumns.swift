import LakeCore

/// A text column holding `values`, NULL where nil.
func textColumn(_ values: [String?]) -> ColumnVector {
    var v = ColumnVector(type: .text)
    for s in values { if let s { v.append(text: s) } else { v.appendNull() } }
    return v
}

/// A float64 column holding `values`, NULL where nil.
func floatColumn(_ values: [Double?]) -> ColumnVector {
    var v = ColumnVector(type: .float64)
    for d in values { if let d { v.append(double: d) } else { v.appendNull() } }
    return v
}
