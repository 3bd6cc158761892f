//===- Attn.td - The attn dialect umbrella -----------------*- tablegen -*-===//
//
// Part of Cascade. The attn dialect says what an attention block means,
// independently of how it is computed.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_ATTN_TD
#define CASCADE_ATTN_TD

include "dialects/Attn/IR/AttnDialect.td"
include "dialects/Attn/IR/AttnOps.td"

#endif // CASCADE_ATTN_TD
