// Not valid MLIR: the argument list is not closed.

func.func @f( {
