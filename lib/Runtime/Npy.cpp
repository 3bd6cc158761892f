//===- Npy.cpp - NumPy .npy array file reading and writing ----------------===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// The .npy layout is: the magic "\x93NUMPY", a major and a minor version
// byte, a little-endian header length (2 bytes for version 1.0, 4 bytes for
// 2.0 and 3.0), the header itself (a Python dict literal with the keys
// 'descr', 'fortran_order' and 'shape', padded with spaces and ending in a
// newline), and then the raw array data.
//
//===----------------------------------------------------------------------===//

#include "cascade/Runtime/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

using namespace cascade::runtime;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicLen = 6;
static constexpr size_t kDataAlignment = 64;

static const char kSupportedDescrs[] =
    "'<f2', '<f4', '<f8', '<i4', '<i8', '|i1' (or '<i1'), '|b1'";

static Error makeError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

StringRef cascade::runtime::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I8:
    return "i8";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::Bool:
    return "bool";
  }
  return "<invalid dtype>";
}

size_t cascade::runtime::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::I8:
  case DType::Bool:
    return 1;
  }
  return 0;
}

/// Product of \p shape, or std::nullopt on a negative dimension or overflow.
static std::optional<int64_t>
checkedProduct(const std::vector<int64_t> &shape) {
  int64_t product = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    std::optional<int64_t> next = llvm::checkedMul(product, dim);
    if (!next)
      return std::nullopt;
    product = *next;
  }
  return product;
}

int64_t NpyArray::numElements() const {
  return checkedProduct(shape).value_or(-1);
}

//===----------------------------------------------------------------------===//
// Descr mapping
//===----------------------------------------------------------------------===//

/// Maps a .npy descr string to a DType; returns std::nullopt if unsupported.
static std::optional<DType> dtypeFromDescr(StringRef descr) {
  // Single-byte types carry no byte order; numpy writes '|', accept '<' too.
  if (descr == "|b1" || descr == "<b1")
    return DType::Bool;
  if (descr == "|i1" || descr == "<i1")
    return DType::I8;
  if (descr == "<f2")
    return DType::F16;
  if (descr == "<f4")
    return DType::F32;
  if (descr == "<f8")
    return DType::F64;
  if (descr == "<i4")
    return DType::I32;
  if (descr == "<i8")
    return DType::I64;
  return std::nullopt;
}

/// The descr written for \p dtype, or std::nullopt if .npy cannot store it.
static std::optional<StringRef> descrFromDType(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return StringRef("<f2");
  case DType::F32:
    return StringRef("<f4");
  case DType::F64:
    return StringRef("<f8");
  case DType::I8:
    return StringRef("|i1");
  case DType::I32:
    return StringRef("<i4");
  case DType::I64:
    return StringRef("<i8");
  case DType::Bool:
    return StringRef("|b1");
  case DType::BF16:
    return std::nullopt;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Header parsing
//===----------------------------------------------------------------------===//

namespace {

/// A value of the small subset of Python literals that .npy headers use.
struct HeaderValue {
  enum class Kind { String, Bool, Tuple };
  Kind kind = Kind::String;
  std::string str;
  bool boolean = false;
  std::vector<int64_t> tuple;
  /// Absolute byte offset of the value in the file, for diagnostics.
  size_t offset = 0;
};

/// Recursive-descent parser for the header dict, e.g.
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
public:
  HeaderParser(StringRef text, size_t baseOffset, StringRef name)
      : text(text), baseOffset(baseOffset), name(name) {}

  /// Parses the whole header into (key, value) pairs in source order.
  Expected<std::vector<std::pair<std::string, HeaderValue>>> parseDict();

private:
  Error error(const Twine &msg) const {
    return makeError(name + ": malformed .npy header at byte " +
                     Twine(baseOffset + pos) + ": " + msg);
  }
  size_t absOffset() const { return baseOffset + pos; }
  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }
  void skipSpace() {
    while (!atEnd() && llvm::isSpace(text[pos]))
      ++pos;
  }
  bool consume(char c) {
    if (atEnd() || text[pos] != c)
      return false;
    ++pos;
    return true;
  }
  std::string describeNext() const {
    if (atEnd())
      return "end of header";
    char c = text[pos];
    if (llvm::isPrint(c))
      return (Twine("'") + Twine(c) + "'").str();
    return "byte 0x" + llvm::utohexstr(static_cast<unsigned char>(c));
  }

  Expected<std::string> parseString();
  Expected<int64_t> parseInt();
  Expected<std::vector<int64_t>> parseTuple();
  Expected<HeaderValue> parseValue();

  StringRef text;
  size_t baseOffset;
  StringRef name;
  size_t pos = 0;
};

} // namespace

Expected<std::string> HeaderParser::parseString() {
  char quote = peek();
  if (quote != '\'' && quote != '"')
    return error("expected a string literal, found " + describeNext());
  ++pos;
  std::string result;
  while (!atEnd() && text[pos] != quote) {
    char c = text[pos];
    if (c == '\\')
      return error("escape sequences in string literals are not supported");
    if (c == '\n')
      return error("unterminated string literal");
    result.push_back(c);
    ++pos;
  }
  if (atEnd())
    return error("unterminated string literal");
  ++pos; // closing quote
  return result;
}

Expected<int64_t> HeaderParser::parseInt() {
  size_t start = pos;
  bool negative = consume('-');
  if (!llvm::isDigit(peek()))
    return error("expected an integer dimension, found " + describeNext());
  uint64_t magnitude = 0;
  while (llvm::isDigit(peek())) {
    unsigned digit = text[pos] - '0';
    if (magnitude > (static_cast<uint64_t>(INT64_MAX) - digit) / 10) {
      pos = start;
      return error("dimension does not fit in a 64-bit integer");
    }
    magnitude = magnitude * 10 + digit;
    ++pos;
  }
  // Python 2 era writers may emit long literals such as "3L".
  if (peek() == 'L' || peek() == 'l')
    ++pos;
  if (negative) {
    pos = start;
    return error("negative dimension -" + Twine(magnitude) + " in shape");
  }
  return static_cast<int64_t>(magnitude);
}

Expected<std::vector<int64_t>> HeaderParser::parseTuple() {
  size_t start = pos;
  if (!consume('('))
    return error("expected '(' to start the shape tuple, found " +
                 describeNext());
  std::vector<int64_t> dims;
  bool lastHadComma = false;
  while (true) {
    skipSpace();
    if (consume(')'))
      break;
    if (atEnd())
      return error("unterminated shape tuple: expected ')'");
    Expected<int64_t> dim = parseInt();
    if (!dim)
      return dim.takeError();
    dims.push_back(*dim);
    skipSpace();
    lastHadComma = consume(',');
    if (lastHadComma)
      continue;
    skipSpace();
    if (consume(')'))
      break;
    return error("expected ',' or ')' in shape tuple, found " + describeNext());
  }
  // In Python "(3)" is the integer 3, not a tuple; numpy rejects it too.
  if (dims.size() == 1 && !lastHadComma) {
    pos = start;
    return error("shape '(" + Twine(dims[0]) +
                 ")' is not a tuple (a 1-element tuple needs a trailing "
                 "comma, e.g. '(" +
                 Twine(dims[0]) + ",)')");
  }
  return dims;
}

Expected<HeaderValue> HeaderParser::parseValue() {
  HeaderValue value;
  value.offset = absOffset();
  char c = peek();
  if (c == '\'' || c == '"') {
    Expected<std::string> str = parseString();
    if (!str)
      return str.takeError();
    value.kind = HeaderValue::Kind::String;
    value.str = std::move(*str);
    return value;
  }
  if (c == '(') {
    Expected<std::vector<int64_t>> tuple = parseTuple();
    if (!tuple)
      return tuple.takeError();
    value.kind = HeaderValue::Kind::Tuple;
    value.tuple = std::move(*tuple);
    return value;
  }
  StringRef rest = text.substr(pos);
  for (bool b : {true, false}) {
    StringRef word = b ? "True" : "False";
    if (rest.starts_with(word) &&
        (rest.size() == word.size() || !llvm::isAlnum(rest[word.size()]))) {
      pos += word.size();
      value.kind = HeaderValue::Kind::Bool;
      value.boolean = b;
      return value;
    }
  }
  if (c == '[')
    return error("lists are not supported (structured dtypes and list shapes "
                 "cannot be read)");
  if (c == '{')
    return error("nested dicts are not supported");
  return error("expected a string, True/False or a tuple, found " +
               describeNext());
}

Expected<std::vector<std::pair<std::string, HeaderValue>>>
HeaderParser::parseDict() {
  std::vector<std::pair<std::string, HeaderValue>> entries;
  skipSpace();
  if (!consume('{'))
    return error("header is not a dict: expected '{', found " + describeNext());
  while (true) {
    skipSpace();
    if (consume('}'))
      break;
    if (atEnd())
      return error("unterminated dict: expected '}'");
    size_t keyStart = pos;
    Expected<std::string> key = parseString();
    if (!key)
      return key.takeError();
    for (const auto &entry : entries) {
      if (entry.first == *key) {
        pos = keyStart;
        return error("duplicate key '" + *key + "'");
      }
    }
    skipSpace();
    if (!consume(':'))
      return error("expected ':' after key '" + *key + "', found " +
                   describeNext());
    skipSpace();
    Expected<HeaderValue> value = parseValue();
    if (!value)
      return value.takeError();
    entries.emplace_back(std::move(*key), std::move(*value));
    skipSpace();
    if (consume(','))
      continue;
    if (consume('}'))
      break;
    return error("expected ',' or '}' after dict entry, found " +
                 describeNext());
  }
  skipSpace();
  if (!atEnd())
    return error("unexpected " + describeNext() +
                 " after the header dict (only whitespace padding may follow)");
  return entries;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Formats \p shape like Python does: "()", "(3,)", "(2, 3)".
static std::string formatShape(const std::vector<int64_t> &shape) {
  std::string result = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      result += ", ";
    result += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    result += ",";
  result += ")";
  return result;
}

/// Renders \p bytes with non-printable characters escaped.
static std::string escapeBytes(StringRef bytes) {
  std::string result;
  llvm::raw_string_ostream os(result);
  llvm::printEscapedString(bytes, os);
  return result;
}

static uint32_t readLE(StringRef bytes, size_t offset, size_t width) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i)
    value |=
        static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + i]))
        << (8 * i);
  return value;
}

Expected<NpyArray> cascade::runtime::parseNpy(StringRef bytes,
                                              StringRef nameForErrors) {
  auto fail = [&](const Twine &msg) -> Error {
    return makeError(nameForErrors + ": " + msg);
  };

  // Magic string.
  StringRef magic(kMagic, kMagicLen);
  StringRef prefix = bytes.take_front(kMagicLen);
  if (!magic.starts_with(prefix) || bytes.empty())
    return fail("not a .npy file: expected magic string \"" +
                escapeBytes(magic) + "\" at byte 0, found \"" +
                escapeBytes(prefix) + "\"");
  if (bytes.size() < kMagicLen + 4)
    return fail("truncated preamble: expected at least " +
                Twine(kMagicLen + 4) + " bytes, found " + Twine(bytes.size()));

  // Version.
  unsigned major = static_cast<unsigned char>(bytes[6]);
  unsigned minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    return fail("unsupported .npy format version " + Twine(major) + "." +
                Twine(minor) + " at byte 6 (supported: 1.0, 2.0, 3.0)");

  // Header length.
  size_t lenFieldSize = major == 1 ? 2 : 4;
  size_t preambleSize = 8 + lenFieldSize;
  if (bytes.size() < preambleSize)
    return fail("truncated preamble: a version " + Twine(major) +
                ".0 file needs at least " + Twine(preambleSize) +
                " bytes, found " + Twine(bytes.size()));
  uint64_t headerLen = readLE(bytes, 8, lenFieldSize);
  uint64_t available = bytes.size() - preambleSize;
  if (headerLen > available)
    return fail("truncated header: the header length field at byte 8 "
                "declares " +
                Twine(headerLen) + " bytes, but only " + Twine(available) +
                " bytes follow the preamble");
  StringRef headerText = bytes.substr(preambleSize, headerLen);

  // Header dict.
  HeaderParser parser(headerText, preambleSize, nameForErrors);
  auto entries = parser.parseDict();
  if (!entries)
    return entries.takeError();

  const HeaderValue *descrValue = nullptr;
  const HeaderValue *fortranValue = nullptr;
  const HeaderValue *shapeValue = nullptr;
  for (const auto &[key, value] : *entries) {
    if (key == "descr")
      descrValue = &value;
    else if (key == "fortran_order")
      fortranValue = &value;
    else if (key == "shape")
      shapeValue = &value;
    else
      return fail("header has unexpected key '" + key + "' at byte " +
                  Twine(value.offset) +
                  " (expected only 'descr', 'fortran_order' and 'shape')");
  }
  for (auto [field, ptr] : {std::make_pair("descr", descrValue),
                            std::make_pair("fortran_order", fortranValue),
                            std::make_pair("shape", shapeValue)})
    if (!ptr)
      return fail("header is missing key '" + Twine(field) + "'");

  if (descrValue->kind != HeaderValue::Kind::String)
    return fail("header field 'descr' at byte " + Twine(descrValue->offset) +
                " must be a string");
  if (fortranValue->kind != HeaderValue::Kind::Bool)
    return fail("header field 'fortran_order' at byte " +
                Twine(fortranValue->offset) + " must be True or False");
  if (shapeValue->kind != HeaderValue::Kind::Tuple)
    return fail("header field 'shape' at byte " + Twine(shapeValue->offset) +
                " must be a tuple of integers");

  // Element type.
  StringRef descr = descrValue->str;
  std::optional<DType> dtype = dtypeFromDescr(descr);
  if (!dtype) {
    if (descr.starts_with(">"))
      return fail("big-endian descr '" + descr + "' in header field 'descr' " +
                  "at byte " + Twine(descrValue->offset) +
                  " is not supported; save the array as little-endian");
    return fail("unsupported descr '" + descr + "' in header field 'descr' " +
                "at byte " + Twine(descrValue->offset) +
                "; supported: " + kSupportedDescrs);
  }

  NpyArray array;
  array.dtype = *dtype;
  array.shape = shapeValue->tuple;

  // Memory order. For 0-d and 1-d arrays both orders coincide.
  if (fortranValue->boolean && array.shape.size() > 1)
    return fail("header field 'fortran_order' at byte " +
                Twine(fortranValue->offset) +
                " is True: Fortran-ordered arrays are not supported; save a "
                "C-ordered array (e.g. np.ascontiguousarray)");

  // Sizes.
  std::optional<int64_t> count = checkedProduct(array.shape);
  if (!count)
    return fail("shape " + formatShape(array.shape) + " in header field " +
                "'shape' at byte " + Twine(shapeValue->offset) +
                ": element count overflows a 64-bit integer");
  std::optional<int64_t> byteCount =
      llvm::checkedMul(*count, static_cast<int64_t>(dtypeSize(*dtype)));
  if (!byteCount)
    return fail("shape " + formatShape(array.shape) + " of " +
                dtypeName(*dtype) + " in header field 'shape' at byte " +
                Twine(shapeValue->offset) +
                ": data size overflows a 64-bit integer");

  size_t dataOffset = preambleSize + headerLen;
  uint64_t dataAvailable = bytes.size() - dataOffset;
  uint64_t dataExpected = static_cast<uint64_t>(*byteCount);
  if (dataAvailable < dataExpected)
    return fail("truncated data: expected " + Twine(dataExpected) +
                " bytes of data, found " + Twine(dataAvailable) + " (shape " +
                formatShape(array.shape) + " of " + dtypeName(*dtype) +
                ", data starts at byte " + Twine(dataOffset) + ")");
  if (dataAvailable > dataExpected)
    return fail("trailing bytes after the data: expected " +
                Twine(dataExpected) + " bytes of data, found " +
                Twine(dataAvailable) + " (shape " + formatShape(array.shape) +
                " of " + dtypeName(*dtype) + ", data starts at byte " +
                Twine(dataOffset) + ")");

  StringRef payload = bytes.substr(dataOffset, dataExpected);
  array.data.assign(payload.begin(), payload.end());
  return array;
}

Expected<NpyArray> cascade::runtime::readNpy(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot open .npy file '" + path +
                     "': " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

Error cascade::runtime::writeNpy(StringRef path, const NpyArray &array) {
  auto fail = [&](const Twine &msg) -> Error {
    return makeError("cannot write .npy file '" + path + "': " + msg);
  };

  std::optional<StringRef> descr = descrFromDType(array.dtype);
  if (!descr)
    return fail("dtype " + dtypeName(array.dtype) +
                " has no standard .npy descr");
  std::optional<int64_t> count = checkedProduct(array.shape);
  if (!count)
    return fail("invalid shape " + formatShape(array.shape) +
                " (negative dimension or element count overflow)");
  std::optional<int64_t> byteCount =
      llvm::checkedMul(*count, static_cast<int64_t>(dtypeSize(array.dtype)));
  if (!byteCount || static_cast<uint64_t>(*byteCount) != array.data.size())
    return fail(
        "data holds " + Twine(array.data.size()) + " bytes, but shape " +
        formatShape(array.shape) + " of " + dtypeName(array.dtype) + " needs " +
        (byteCount ? Twine(*byteCount) : Twine("more than 2^63")) + " bytes");

  std::string dict =
      "{'descr': '" + descr->str() +
      "', 'fortran_order': False, 'shape': " + formatShape(array.shape) + ", }";

  // Pad with spaces and a final newline so that the data starts at a
  // multiple of kDataAlignment. Version 2.0 only if 1.0's 16-bit length
  // field cannot hold the header.
  auto paddedHeader = [&](size_t preambleSize) {
    std::string header = dict;
    size_t unpadded = preambleSize + header.size() + 1;
    size_t padding =
        (kDataAlignment - unpadded % kDataAlignment) % kDataAlignment;
    header.append(padding, ' ');
    header.push_back('\n');
    return header;
  };
  unsigned major = 1;
  std::string header = paddedHeader(10);
  if (header.size() > 0xffff) {
    major = 2;
    header = paddedHeader(12);
  }

  std::string preamble(kMagic, kMagicLen);
  preamble.push_back(static_cast<char>(major));
  preamble.push_back(0);
  size_t lenFieldSize = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lenFieldSize; ++i)
    preamble.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(ec.message());
  os << preamble << header;
  os.write(array.data.data(), array.data.size());
  os.close();
  if (os.has_error()) {
    std::string message = os.error().message();
    os.clear_error();
    return fail(message);
  }
  return Error::success();
}
