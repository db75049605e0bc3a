#include "wsspec/harness/corpus.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>

namespace wsspec::harness {

namespace {

// Every binary corpus is this long; a text corpus is at most this long.
constexpr std::size_t kCorpusBytes = 262144;

// splitmix64 (Steele, Lea and Flood, 2014): a fixed seed gives the same stream everywhere.
class prng {
 public:
  explicit prng(std::uint64_t seed) noexcept : state_(seed) {}

  std::uint64_t next() noexcept {
    std::uint64_t z = state_ += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n >= 1: the top 32 bits scaled by n (bias below n / 2^32).
  std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  // Uniform in [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) noexcept {
    return lo + below(hi - lo + 1);
  }
  bool percent(std::uint32_t p) noexcept { return below(100) < p; }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) noexcept {
    return items[below(N)];
  }
  // An index into `cumulative` weights, each index drawn in proportion to its own weight.
  std::size_t weighted(std::span<const std::uint32_t> cumulative) noexcept {
    const std::uint32_t x = below(cumulative.back());
    return static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), x) -
                                    cumulative.begin());
  }

 private:
  std::uint64_t state_;
};

// ----- text helpers ------------------------------------------------------------------------

void put(std::string& s, std::u8string_view t) {
  s.append(reinterpret_cast<const char*>(t.data()), t.size());
}

// Decimal, at least `width` digits (zero-padded).
void put_number(std::string& s, std::uint64_t v, std::size_t width = 1) {
  char digits[20];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (; n < width; --width) s += '0';
  while (n > 0) s += digits[--n];
}

// v / 10^decimals with exactly `decimals` digits after the point.
void put_fixed(std::string& s, std::int64_t v, std::size_t decimals) {
  if (v < 0) s += '-';
  const std::uint64_t magnitude =
      v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::uint64_t scale = 1;
  for (std::size_t i = 0; i < decimals; ++i) scale *= 10;
  put_number(s, magnitude / scale);
  s += '.';
  put_number(s, magnitude % scale, decimals);
}

void put_hex(std::string& s, std::uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) s += "0123456789abcdef"[(v >> (4 * i)) & 0xF];
}

// `word` with its first letter upper-cased: ASCII a-z, and U+00E0-U+00FE but U+00F7 (à-þ,
// encoded C3 A0-BE), whose capitals are 0x20 below in the second byte.
void put_capitalized(std::string& s, std::u8string_view word) {
  const std::size_t at = s.size();
  put(s, word);
  const auto b0 = static_cast<unsigned char>(s[at]);
  if (b0 >= 'a' && b0 <= 'z') {
    s[at] = static_cast<char>(b0 - 0x20);
  } else if (b0 == 0xC3 && word.size() > 1) {
    const auto b1 = static_cast<unsigned char>(s[at + 1]);
    if (b1 >= 0xA0 && b1 <= 0xBE && b1 != 0xB7) s[at + 1] = static_cast<char>(b1 - 0x20);
  }
}

// ----- word lists (UTF-8; the first words of each are the most frequent) -------------------

constexpr std::u8string_view kEnglish[] = {
    u8"the",          u8"of",       u8"and",       u8"to",        u8"a",         u8"in",
    u8"is",           u8"it",       u8"that",      u8"was",       u8"he",        u8"for",
    u8"on",           u8"are",      u8"as",        u8"with",      u8"his",       u8"they",
    u8"at",           u8"be",       u8"this",      u8"from",      u8"I",         u8"have",
    u8"or",           u8"by",       u8"one",       u8"had",       u8"not",       u8"but",
    u8"what",         u8"all",      u8"were",      u8"when",      u8"we",        u8"there",
    u8"can",          u8"an",       u8"your",      u8"which",     u8"their",     u8"said",
    u8"if",           u8"do",       u8"will",      u8"each",      u8"about",     u8"how",
    u8"up",           u8"out",      u8"them",      u8"then",      u8"she",       u8"many",
    u8"some",         u8"so",       u8"these",     u8"would",     u8"other",     u8"into",
    u8"has",          u8"more",     u8"her",       u8"two",       u8"like",      u8"him",
    u8"see",          u8"time",     u8"could",     u8"no",        u8"make",      u8"than",
    u8"first",        u8"been",     u8"its",       u8"who",       u8"now",       u8"people",
    u8"my",           u8"made",     u8"over",      u8"did",       u8"down",      u8"only",
    u8"way",          u8"find",     u8"use",       u8"may",       u8"water",     u8"long",
    u8"little",       u8"very",     u8"after",     u8"words",     u8"called",    u8"just",
    u8"where",        u8"most",     u8"know",      u8"get",       u8"through",   u8"back",
    u8"much",         u8"before",   u8"go",        u8"good",      u8"new",       u8"write",
    u8"our",          u8"used",     u8"me",        u8"man",       u8"too",       u8"any",
    u8"day",          u8"same",     u8"right",     u8"look",      u8"think",     u8"also",
    u8"around",       u8"another",  u8"came",      u8"come",      u8"work",      u8"three",
    u8"must",         u8"because",  u8"does",      u8"part",      u8"even",      u8"place",
    u8"well",         u8"such",     u8"here",      u8"take",      u8"why",       u8"things",
    u8"help",         u8"put",      u8"years",     u8"different", u8"away",      u8"again",
    u8"off",          u8"went",     u8"old",       u8"number",    u8"great",     u8"tell",
    u8"small",        u8"every",    u8"found",     u8"still",     u8"between",   u8"name",
    u8"should",       u8"home",     u8"big",       u8"give",      u8"air",       u8"line",
    u8"own",          u8"under",    u8"read",      u8"last",      u8"never",     u8"left",
    u8"end",          u8"along",    u8"while",     u8"might",     u8"next",      u8"sound",
    u8"below",        u8"saw",      u8"something", u8"thought",   u8"both",      u8"few",
    u8"those",        u8"always",   u8"looked",    u8"show",      u8"large",     u8"often",
    u8"together",     u8"asked",    u8"house",     u8"don't",     u8"world",     u8"going",
    u8"want",         u8"school",   u8"important", u8"until",     u8"form",      u8"food",
    u8"keep",         u8"children", u8"land",      u8"side",      u8"without",   u8"once",
    u8"life",         u8"enough",   u8"took",      u8"sometimes", u8"head",      u8"above",
    u8"kind",         u8"began",    u8"almost",    u8"live",      u8"page",      u8"earth",
    u8"need",         u8"far",      u8"hand",      u8"high",      u8"year",      u8"mother",
    u8"light",        u8"country",  u8"father",    u8"night",     u8"following", u8"picture",
    u8"study",        u8"second",   u8"eyes",      u8"soon",      u8"story",     u8"since",
    u8"white",        u8"days",     u8"paper",     u8"hard",      u8"near",      u8"sentence",
    u8"better",       u8"across",   u8"during",    u8"today",     u8"however",   u8"sure",
    u8"knew",         u8"river",    u8"garden",    u8"window",    u8"morning",   u8"winter",
    u8"café",         u8"naïve",    u8"façade",    u8"résumé",    u8"fiancée",   u8"jalapeño",
    u8"doppelgänger", u8"crème",    u8"déjà",      u8"piñata",    u8"€20",       u8"£5",
};

constexpr std::u8string_view kGerman[] = {
    u8"der",     u8"die",      u8"und",       u8"in",      u8"den",       u8"von",
    u8"zu",      u8"das",      u8"mit",       u8"sich",    u8"des",       u8"auf",
    u8"für",     u8"ist",      u8"im",        u8"dem",     u8"nicht",     u8"ein",
    u8"eine",    u8"als",      u8"auch",      u8"es",      u8"an",        u8"werden",
    u8"aus",     u8"er",       u8"hat",       u8"dass",    u8"sie",       u8"nach",
    u8"wird",    u8"bei",      u8"einer",     u8"um",      u8"am",        u8"sind",
    u8"noch",    u8"wie",      u8"einem",     u8"über",    u8"einen",     u8"so",
    u8"zum",     u8"war",      u8"haben",     u8"nur",     u8"oder",      u8"aber",
    u8"vor",     u8"zur",      u8"bis",       u8"mehr",    u8"durch",     u8"man",
    u8"sein",    u8"wurde",    u8"hatte",     u8"kann",    u8"gegen",     u8"vom",
    u8"können",  u8"schon",    u8"wenn",      u8"habe",    u8"seine",     u8"ihre",
    u8"dann",    u8"unter",    u8"wir",       u8"soll",    u8"ich",       u8"Jahr",
    u8"zwei",    u8"diese",    u8"wieder",    u8"keine",   u8"Uhr",       u8"zwischen",
    u8"immer",   u8"Menschen", u8"große",     u8"Straße",  u8"Größe",     u8"schön",
    u8"Mädchen", u8"Fußball",  u8"Bäume",     u8"Käse",    u8"müde",      u8"weiß",
    u8"heiß",    u8"Glück",    u8"Tür",       u8"Brücke",  u8"öffnen",    u8"fröhlich",
    u8"Übung",   u8"Grüße",    u8"Äpfel",     u8"Bücher",  u8"Häuser",    u8"Stadt",
    u8"Zeit",    u8"Tag",      u8"Frau",      u8"Kinder",  u8"Leben",     u8"Welt",
    u8"Arbeit",  u8"Wasser",   u8"Schule",    u8"Haus",    u8"gut",       u8"neu",
    u8"alt",     u8"klein",    u8"lang",      u8"hoch",    u8"ganz",      u8"gleich",
    u8"spät",    u8"früh",     u8"natürlich", u8"während", u8"außerdem",  u8"gemütlich",
    u8"Maß",     u8"Fuß",      u8"süß",       u8"Spaß",    u8"Schloss",   u8"Wälder",
    u8"Flüsse",  u8"Dörfer",   u8"Brötchen",  u8"Kaffee",  u8"Frühstück", u8"Abend",
    u8"Nacht",   u8"Morgen",   u8"Himmel",    u8"Sonne",   u8"Regen",     u8"Schnee",
    u8"Stürme",
};

// Word groups that recur in running text, which gives deflate the repeated strings it finds in
// real prose.
constexpr std::u8string_view kEnglishPhrases[] = {
    u8"at the same time",     u8"in the end",        u8"on the other hand", u8"for the first time",
    u8"in the middle of the", u8"as soon as",        u8"one of the",        u8"there was a",
    u8"it was the",           u8"at the end of the", u8"in front of the",   u8"as well as",
    u8"the rest of the",      u8"out of the",        u8"he said that",      u8"she did not know",
    u8"in the morning",       u8"by the river",      u8"all of a sudden",   u8"for a long time",
    u8"on the way home",      u8"a little further",  u8"as far as",         u8"more and more",
};
constexpr std::u8string_view kGermanPhrases[] = {
    u8"zum ersten Mal",       u8"in der Nacht",           u8"auf der anderen Seite",
    u8"am Ende des Tages",    u8"nach und nach",          u8"mit den Kindern",
    u8"es war einmal",        u8"in der Stadt",           u8"über die Brücke",
    u8"vor dem Haus",         u8"bei schönem Wetter",     u8"aus dem Fenster",
    u8"im Großen und Ganzen", u8"so schnell wie möglich", u8"mehr oder weniger",
    u8"an diesem Abend",      u8"durch die Wälder",       u8"in aller Frühe",
};

// Cumulative weights for a frequency-ordered word list: item i weighs 1 / (i + kZipfOffset),
// Zipf's law of word frequencies; the offset keeps the first few words from crowding out the rest.
constexpr std::uint32_t kZipfOffset = 2;
template <std::size_t N>
constexpr std::array<std::uint32_t, N> zipf_weights() {
  std::array<std::uint32_t, N> cumulative{};
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < N; ++i) {
    sum += 1000000 / static_cast<std::uint32_t>(i + kZipfOffset);
    cumulative[i] = sum;
  }
  return cumulative;
}
constexpr auto kEnglishWeights = zipf_weights<std::size(kEnglish)>();
constexpr auto kGermanWeights = zipf_weights<std::size(kGerman)>();

struct person_name {
  std::u8string_view text;
  std::string_view ascii;  // for e-mail addresses
};

constexpr person_name kFirstNames[] = {
    {u8"Zoë", "zoe"},       {u8"Łukasz", "lukasz"}, {u8"Emma", "emma"},      {u8"Liam", "liam"},
    {u8"Søren", "soren"},   {u8"José", "jose"},     {u8"Anaïs", "anais"},    {u8"Björn", "bjorn"},
    {u8"Olivia", "olivia"}, {u8"Noah", "noah"},     {u8"Jürgen", "juergen"}, {u8"Chloé", "chloe"},
    {u8"Mia", "mia"},       {u8"Mateo", "mateo"},   {u8"Sofía", "sofia"},    {u8"Yuki", "yuki"},
    {u8"Priya", "priya"},   {u8"Oliver", "oliver"}, {u8"Amélie", "amelie"},  {u8"Dmitri", "dmitri"},
    {u8"Ingrid", "ingrid"}, {u8"Kenji", "kenji"},   {u8"Fatima", "fatima"},  {u8"Hannah", "hannah"},
    {u8"Ewa", "ewa"},       {u8"Zoltán", "zoltan"}, {u8"Ömer", "omer"},      {u8"美咲", "misaki"},
    {u8"Thanh", "thanh"},   {u8"Lucas", "lucas"},
};

constexpr person_name kLastNames[] = {
    {u8"Müller", "mueller"},
    {u8"Smith", "smith"},
    {u8"Nowak", "nowak"},
    {u8"García", "garcia"},
    {u8"Kowalski", "kowalski"},
    {u8"Dubois", "dubois"},
    {u8"Rossi", "rossi"},
    {u8"Tanaka", "tanaka"},
    {u8"Nguyễn", "nguyen"},
    {u8"Johnson", "johnson"},
    {u8"Schröder", "schroeder"},
    {u8"Østergaard", "ostergaard"},
    {u8"Brown", "brown"},
    {u8"Fernández", "fernandez"},
    {u8"Petrović", "petrovic"},
    {u8"Lindqvist", "lindqvist"},
    {u8"Weiß", "weiss"},
    {u8"Williams", "williams"},
    {u8"Kim", "kim"},
    {u8"Yılmaz", "yilmaz"},
    {u8"Novák", "novak"},
    {u8"佐藤", "sato"},
};

struct place {
  std::u8string_view city;
  std::string_view country;
};

constexpr place kPlaces[] = {
    {u8"東京", "JP"},       {u8"Zürich", "CH"}, {u8"München", "DE"},  {u8"Kraków", "PL"},
    {u8"São Paulo", "BR"},  {u8"Berlin", "DE"}, {u8"Paris", "FR"},    {u8"New York", "US"},
    {u8"Reykjavík", "IS"},  {u8"Москва", "RU"}, {u8"Αθήνα", "GR"},    {u8"서울", "KR"},
    {u8"Düsseldorf", "DE"}, {u8"Malmö", "SE"},  {u8"Wien", "AT"},     {u8"London", "GB"},
    {u8"Toronto", "CA"},    {u8"Łódź", "PL"},   {u8"İstanbul", "TR"}, {u8"Córdoba", "AR"},
};

constexpr std::u8string_view kStreets[] = {
    u8"Hauptstraße", u8"Bahnhofstraße", u8"Main Street",    u8"Rue de la Paix",
    u8"Königsallee", u8"Oak Avenue",    u8"Via Roma",       u8"ulica Długa",
    u8"Calle Mayor", u8"Elm Street",    u8"Schillerstraße", u8"Park Lane",
};

// 4-byte emoji, and two 3-byte symbols.
constexpr std::u8string_view kEmoji[] = {u8"🎉", u8"🚀",    u8"😀", u8"👍", u8"🌍",
                                         u8"🔥", u8"🙂", u8"📦", u8"✨", u8"☕"};

constexpr std::string_view kTags[] = {
    "lorem",   "ipsum",   "dolor",   "sit",    "amet",    "consectetur", "adipiscing",
    "elit",    "sed",     "tempor",  "labore", "magna",   "aliqua",      "veniam",
    "nostrud", "ullamco", "laboris", "nisi",   "commodo", "consequat",
};

constexpr std::string_view kCompanies[] = {"Zentrix", "Acme",     "Globex",  "Initech", "Umbrella",
                                           "Hooli",   "Vandelay", "Soylent", "Stark",   "Wayne"};
constexpr std::string_view kEyeColors[] = {"brown", "blue", "green", "hazel", "grey"};
constexpr std::string_view kFruits[] = {"apple", "banana", "strawberry", "mango", "cherry"};
constexpr std::string_view kColors[] = {"red", "green", "blue", "grey", "orange", "purple"};

// ----- assembly ----------------------------------------------------------------------------

// `head`, then records next(0, s), next(1, s), ... as long as they fit in kCorpusBytes with
// `tail` after them, then `tail`. Reserves exactly kCorpusBytes.
template <class Next>
std::vector<std::uint8_t> assemble(std::string_view head, std::string_view tail, Next next) {
  std::vector<std::uint8_t> out;
  out.reserve(kCorpusBytes);
  out.insert(out.end(), head.begin(), head.end());
  std::string record;
  for (std::size_t i = 0;; ++i) {
    record.clear();
    next(i, record);
    if (out.size() + record.size() + tail.size() > kCorpusBytes) break;
    out.insert(out.end(), record.begin(), record.end());
  }
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

void put_name(std::string& s, const person_name& first, const person_name& last) {
  put(s, first.text);
  s += ' ';
  put(s, last.text);
}

// yyyy-mm-dd, days up to 28.
void put_date(prng& r, std::string& s) {
  put_number(s, r.between(2010, 2024));
  s += '-';
  put_number(s, r.between(1, 12), 2);
  s += '-';
  put_number(s, r.between(1, 28), 2);
}

// ----- json --------------------------------------------------------------------------------

// One user record of a typical generated API fixture, on one line.
void json_record(prng& r, std::size_t i, std::string& s) {
  if (i > 0) s += ",\n";
  const person_name& first = r.pick(kFirstNames);
  const person_name& last = r.pick(kLastNames);
  const std::string_view company = r.pick(kCompanies);
  const place& home = r.pick(kPlaces);

  s += "  {\"id\": ";
  put_number(s, 100000 + i);
  s += ", \"guid\": \"";
  const std::uint64_t g0 = r.next();
  const std::uint64_t g1 = r.next();
  put_hex(s, g0 >> 32, 8);
  s += '-';
  put_hex(s, g0 >> 16, 4);
  s += "-4";
  put_hex(s, g0, 3);
  s += '-';
  put_hex(s, 0x8 | ((g1 >> 60) & 0x3), 1);
  put_hex(s, g1 >> 48, 3);
  s += '-';
  put_hex(s, g1, 12);
  s += "\", \"isActive\": ";
  s += r.percent(60) ? "true" : "false";
  s += ", \"balance\": \"$";
  const std::uint32_t cents = r.below(100000000);  // up to $999,999.99
  if (cents >= 100000) {
    put_number(s, cents / 100000);
    s += ',';
    put_number(s, cents / 100 % 1000, 3);
  } else {
    put_number(s, cents / 100);
  }
  s += '.';
  put_number(s, cents % 100, 2);
  s += "\", \"age\": ";
  put_number(s, r.between(18, 90));
  s += ", \"eyeColor\": \"";
  s += r.pick(kEyeColors);
  s += "\", \"name\": \"";
  put_name(s, first, last);
  s += "\", \"company\": \"";
  s += company;
  s += "\", \"email\": \"";
  s += first.ascii;
  s += '.';
  s += last.ascii;
  s += '@';
  for (const char c : company) s += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c);
  s += ".com\", \"phone\": \"+1 (";
  put_number(s, r.between(200, 999));
  s += ") 555-";
  put_number(s, r.below(10000), 4);
  s += "\", \"address\": {\"street\": \"";
  put(s, r.pick(kStreets));
  s += ' ';
  put_number(s, r.between(1, 250));
  s += "\", \"city\": \"";
  put(s, home.city);
  s += "\", \"zip\": \"";
  put_number(s, r.below(100000), 5);
  s += "\", \"country\": \"";
  s += home.country;
  s += "\"}, \"registered\": \"";
  put_date(r, s);
  s += 'T';
  put_number(s, r.below(24), 2);
  s += ':';
  put_number(s, r.below(60), 2);
  s += ':';
  put_number(s, r.below(60), 2);
  s += "Z\", \"location\": {\"lat\": ";
  put_fixed(s, static_cast<std::int64_t>(r.below(180000001)) - 90000000, 6);
  s += ", \"lon\": ";
  put_fixed(s, static_cast<std::int64_t>(r.below(360000001)) - 180000000, 6);
  s += "}, \"tags\": [";
  for (std::uint32_t t = 0, n = r.between(1, 5); t < n; ++t) {
    if (t > 0) s += ", ";
    s += '"';
    s += r.pick(kTags);
    s += '"';
  }
  s += "], \"scores\": [";
  for (std::uint32_t a = 0, n = r.between(1, 3); a < n; ++a) {
    s += a > 0 ? ", [" : "[";
    for (std::uint32_t b = 0, m = r.between(1, 4); b < m; ++b) {
      if (b > 0) s += ", ";
      put_number(s, r.below(100));
    }
    s += ']';
  }
  s += "], \"friends\": [";
  for (std::uint32_t f = 0, n = r.below(4); f < n; ++f) {
    if (f > 0) s += ", ";
    s += "{\"id\": ";
    put_number(s, f);
    s += ", \"name\": \"";
    put_name(s, r.pick(kFirstNames), r.pick(kLastNames));
    s += "\"}";
  }
  s += "], \"greeting\": \"Hello, ";
  put(s, first.text);
  s += "! You have ";
  put_number(s, r.below(20));
  s += " unread messages.";
  if (r.percent(40)) {
    s += ' ';
    put(s, r.pick(kEmoji));
  }
  s += "\", \"favoriteFruit\": \"";
  s += r.pick(kFruits);
  s += "\", \"manager\": ";
  if (r.percent(70)) {
    s += "null";
  } else {
    put_number(s, 100000 + r.below(static_cast<std::uint32_t>(i) + 1));
  }
  s += '}';
}

std::vector<std::uint8_t> json_corpus() {
  prng r(0x6A736F6E'00000001u);
  return assemble("[\n", "\n]\n", [&](std::size_t i, std::string& s) { json_record(r, i, s); });
}

// ----- prose -------------------------------------------------------------------------------

// The words of one language, frequency-ordered, and its recurring word groups.
struct language {
  std::span<const std::u8string_view> words;
  std::span<const std::uint32_t> weights;  // cumulative, one a word (zipf_weights)
  std::span<const std::u8string_view> phrases;
  std::u8string_view open_quote;
  std::u8string_view close_quote;
};

constexpr language kEnglishText{kEnglish, kEnglishWeights, kEnglishPhrases, u8"“", u8"”"};
constexpr language kGermanText{kGerman, kGermanWeights, kGermanPhrases, u8"„", u8"“"};

// A sentence of 5 to 16 words or word groups, sometimes quoted, with commas, dashes, a number now
// and then, and rarely an emoji after it.
void sentence(prng& r, const language& lang, std::string& s) {
  const bool quoted = r.percent(6);
  if (quoted) put(s, lang.open_quote);
  const std::uint32_t n = r.between(5, 16);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i > 0) s += ' ';
    const std::u8string_view word =
        r.percent(20) ? lang.phrases[r.below(static_cast<std::uint32_t>(lang.phrases.size()))]
                      : lang.words[r.weighted(lang.weights)];
    if (i == 0) {
      put_capitalized(s, word);
    } else {
      put(s, word);
    }
    if (i + 1 == n) break;
    if (r.percent(7)) {
      s += ',';
    } else if (i > 1 && r.percent(1)) {
      put(s, u8" —");
    }
  }
  if (r.percent(4)) {
    s += ' ';
    put_number(s, r.between(2, 2024));
  }
  const std::uint32_t end = r.below(100);
  put(s, end < 85 ? u8"." : end < 93 ? u8"?" : end < 98 ? u8"!" : u8"…");
  if (quoted) put(s, lang.close_quote);
  if (r.percent(2)) {
    s += ' ';
    put(s, r.pick(kEmoji));
  }
}

// A paragraph of 2 to 7 sentences, all English or all German, and a blank line.
void paragraph(prng& r, std::string& s) {
  const bool german = r.percent(35);
  for (std::uint32_t i = 0, n = r.between(2, 7); i < n; ++i) {
    if (i > 0) s += ' ';
    if (german) {
      sentence(r, kGermanText, s);
    } else {
      sentence(r, kEnglishText, s);
    }
  }
  s += "\n\n";
}

std::vector<std::uint8_t> prose_corpus() {
  prng r(0x70726F73'00000002u);
  return assemble("", "", [&](std::size_t, std::string& s) { paragraph(r, s); });
}

// ----- html --------------------------------------------------------------------------------

constexpr std::string_view kHtmlHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Articles &amp; Notes &mdash; wsspec corpus</title>
  <link rel="stylesheet" href="/static/css/main.css">
  <style>
    .card { border: 1px solid #ddd; border-radius: 4px; margin: 0 0 16px; padding: 8px; }
    .card__title { font-size: 1.25rem; margin: 0; }
    .data-table td, .data-table th { padding: 4px 8px; text-align: left; }
    .badge--red { background: #c33; } .badge--green { background: #3c3; }
  </style>
</head>
<body class="page page--list">
  <header class="site-header">
    <nav class="nav" aria-label="Main">
      <ul class="nav__list">
        <li class="nav__item"><a class="nav__link" href="/">Home</a></li>
        <li class="nav__item"><a class="nav__link" href="/posts/">Posts</a></li>
        <li class="nav__item"><a class="nav__link" href="/about/">About &amp; Contact</a></li>
      </ul>
    </nav>
  </header>
  <main id="content" class="container">
)";

constexpr std::string_view kHtmlTail = R"(  </main>
  <footer class="site-footer">
    <p>&copy; 2024 wsspec &middot; generated corpus &middot; <a href="/imprint/">Impressum</a></p>
  </footer>
</body>
</html>
)";

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

// One article card: header with a linked title and meta line, a body of paragraphs with inline
// markup and entities, sometimes a list or a table of people, and a footer with a badge.
void html_article(prng& r, std::size_t i, std::string& s) {
  const std::string_view category = r.pick(kTags);
  s += "    <article class=\"card card--";
  s += r.pick(kColors);
  s += "\" id=\"post-";
  put_number(s, i);
  s += "\" data-id=\"";
  put_number(s, i);
  s += "\" data-category=\"";
  s += category;
  s += "\">\n      <div class=\"card__header\">\n        <h2 class=\"card__title\"><a "
       "href=\"/posts/";
  put_number(s, i);
  s += '/';
  s += category;
  s += '-';
  s += r.pick(kTags);
  s += "/\">";
  for (std::uint32_t w = 0, n = r.between(3, 7); w < n; ++w) {
    if (w > 0) s += ' ';
    put_capitalized(s, kEnglish[r.weighted(kEnglishWeights)]);
  }
  s += "</a></h2>\n        <div class=\"card__meta\"><span class=\"author\">";
  put_name(s, r.pick(kFirstNames), r.pick(kLastNames));
  s += "</span> &middot; <time datetime=\"";
  const std::uint32_t year = r.between(2015, 2024);
  const std::uint32_t month = r.between(1, 12);
  const std::uint32_t day = r.between(1, 28);
  put_number(s, year);
  s += '-';
  put_number(s, month, 2);
  s += '-';
  put_number(s, day, 2);
  s += "\">";
  put_number(s, day);
  s += ' ';
  s += kMonths[month - 1];
  s += ' ';
  put_number(s, year);
  s += "</time> &middot; <span class=\"city\">";
  put(s, r.pick(kPlaces).city);
  s += "</span></div>\n      </div>\n      <div class=\"card__body\">\n";
  for (std::uint32_t p = 0, n = r.between(1, 3); p < n; ++p) {
    s += "        <p>";
    for (std::uint32_t k = 0, m = r.between(2, 4); k < m; ++k) {
      if (k > 0) s += r.percent(15) ? " &amp; " : " ";
      const std::uint32_t style = r.below(10);
      if (style == 0) s += "<em>";
      if (style == 1) s += "<strong>";
      if (style == 2) {
        s += "<a href=\"/tags/";
        s += r.pick(kTags);
        s += "\" title=\"";
        s += r.pick(kTags);
        s += "\">";
      }
      if (r.percent(10)) {
        sentence(r, kGermanText, s);
      } else {
        sentence(r, kEnglishText, s);
      }
      if (style == 0) s += "</em>";
      if (style == 1) s += "</strong>";
      if (style == 2) s += "</a>";
    }
    s += "</p>\n";
  }
  if (r.percent(30)) {
    s += "        <ul class=\"list list--bullets\">\n";
    for (std::uint32_t k = 0, m = r.between(2, 5); k < m; ++k) {
      s += "          <li class=\"list__item\">";
      for (std::uint32_t w = 0, n = r.between(2, 6); w < n; ++w) {
        if (w > 0) s += w + 1 == n && r.percent(30) ? "&nbsp;" : " ";
        put(s, kEnglish[r.weighted(kEnglishWeights)]);
      }
      s += "</li>\n";
    }
    s += "        </ul>\n";
  }
  if (r.percent(35)) {
    s += "        <div class=\"table-wrapper\">\n          <table class=\"data-table\">\n"
         "            <thead><tr><th scope=\"col\">Name</th><th scope=\"col\">City</th>"
         "<th scope=\"col\" class=\"num\">Score</th><th scope=\"col\">Active</th></tr></thead>\n"
         "            <tbody>\n";
    for (std::uint32_t k = 0, m = r.between(2, 6); k < m; ++k) {
      s += k % 2 == 0 ? "              <tr class=\"row row--even\"><td>"
                      : "              <tr class=\"row row--odd\"><td>";
      put_name(s, r.pick(kFirstNames), r.pick(kLastNames));
      s += "</td><td>";
      put(s, r.pick(kPlaces).city);
      s += "</td><td class=\"num\">";
      put_number(s, r.below(1000));
      s += r.percent(50) ? "</td><td><input type=\"checkbox\" checked disabled></td></tr>\n"
                         : "</td><td><input type=\"checkbox\" disabled></td></tr>\n";
    }
    s += "            </tbody>\n          </table>\n        </div>\n";
  }
  if (r.percent(20)) {
    s += "        <img src=\"/media/";
    put_number(s, i);
    s += ".jpg\" alt=\"";
    s += r.pick(kTags);
    s += "\" width=\"";
    put_number(s, r.between(2, 8) * 80);
    s += "\" height=\"";
    put_number(s, r.between(2, 6) * 60);
    s += "\" loading=\"lazy\">\n";
  }
  s += "      </div>\n      <div class=\"card__footer\"><a class=\"btn btn--primary\" "
       "href=\"/posts/";
  put_number(s, i);
  s += "#comments\">Comments (";
  put_number(s, r.below(50));
  s += ")</a> <span class=\"badge badge--";
  s += r.pick(kColors);
  s += "\">";
  if (r.percent(30)) {
    put(s, r.pick(kEmoji));
    s += ' ';
  }
  s += category;
  s += "</span></div>\n    </article>\n";
}

std::vector<std::uint8_t> html_corpus() {
  prng r(0x68746D6C'00000003u);
  return assemble(kHtmlHead, kHtmlTail,
                  [&](std::size_t i, std::string& s) { html_article(r, i, s); });
}

// ----- image -------------------------------------------------------------------------------

// A 24-bit BMP: the 14-byte file header and 40-byte BITMAPINFOHEADER, zeros up to the pixel
// array at kPixelOffset (bfOffBits may leave such a gap), then kHeight rows of kWidth pixels in
// blue, green, red order, 1020 bytes a row (a multiple of 4, so no row padding): exactly
// kCorpusBytes. The scene is a landscape: a sky gradient with a sun and its glow, hills whose
// ground shades with x and depth, a flat-coloured house, and small noise on every channel.
constexpr std::uint32_t kWidth = 340;
constexpr std::uint32_t kHeight = 256;
constexpr std::uint32_t kPixelOffset = 1024;
static_assert(kPixelOffset + kWidth * 3 * kHeight == kCorpusBytes);
static_assert(kWidth * 3 % 4 == 0);

void put_le(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out[at + static_cast<std::size_t>(i)] = (v >> (8 * i)) & 0xFF;
}

// A triangle wave of period p between 0 and a.
std::int32_t triangle(std::int32_t x, std::int32_t p, std::int32_t a) {
  const std::int32_t m = x % p;
  return a * (m < p / 2 ? m : p - m) / (p / 2);
}

std::uint8_t clamp_channel(std::int32_t v) {
  return static_cast<std::uint8_t>(std::clamp<std::int32_t>(v, 0, 255));
}

std::vector<std::uint8_t> image_corpus() {
  prng r(0x696D6167'00000004u);
  std::vector<std::uint8_t> out(kCorpusBytes, 0);
  out[0] = 'B';
  out[1] = 'M';
  put_le(out, 2, kCorpusBytes, 4);   // bfSize
  put_le(out, 10, kPixelOffset, 4);  // bfOffBits
  put_le(out, 14, 40, 4);            // biSize
  put_le(out, 18, kWidth, 4);
  put_le(out, 22, kHeight, 4);               // positive: rows stored bottom-up
  put_le(out, 26, 1, 2);                     // biPlanes
  put_le(out, 28, 24, 2);                    // biBitCount
  put_le(out, 34, kWidth * 3 * kHeight, 4);  // biSizeImage (biCompression 0: BI_RGB)
  put_le(out, 38, 2835, 4);                  // 72 dpi
  put_le(out, 42, 2835, 4);

  // Noise added to a channel: mostly 0, sometimes +-1 to +-3.
  constexpr std::int32_t kGrain[16] = {0, 0, 0, 0, 0, 0, 0, 0, 1, -1, 1, -1, 2, -2, 3, -3};
  std::size_t at = kPixelOffset;
  for (std::int32_t row = 0; row < static_cast<std::int32_t>(kHeight); ++row) {
    const std::int32_t y = static_cast<std::int32_t>(kHeight) - 1 - row;  // from the top
    for (std::int32_t x = 0; x < static_cast<std::int32_t>(kWidth); ++x) {
      const std::int32_t horizon = 115 + triangle(x, 170, 40) + triangle(x + 37, 62, 9);
      std::int32_t red;
      std::int32_t green;
      std::int32_t blue;
      if (x >= 50 && x < 120 && y >= 125 && y < 180) {
        const bool roof = y < 140;
        red = roof ? 120 : 200;
        green = roof ? 40 : 170;
        blue = roof ? 30 : 140;
      } else if (y < horizon) {
        red = 70 + y * 3 / 5;
        green = 130 + y * 2 / 5;
        blue = 235 - y / 6;
        const std::int32_t dx = x - 255;
        const std::int32_t dy = y - 55;
        const std::int32_t d2 = dx * dx + dy * dy;
        if (d2 < 28 * 28) {
          red = 255;
          green = 236 - d2 / 64;
          blue = 150;
        } else if (d2 < 64 * 64) {
          red += (64 * 64 - d2) / 48;
          green += (64 * 64 - d2) / 64;
        }
      } else {
        const std::int32_t depth = y - horizon;
        red = 60 + depth / 3 + x / 20;
        green = 110 + x / 8 - depth / 4 + ((y / 24) % 2) * 12;
        blue = 40 + depth / 5;
      }
      out[at++] = clamp_channel(blue + kGrain[r.below(16)]);
      out[at++] = clamp_channel(green + kGrain[r.below(16)]);
      out[at++] = clamp_channel(red + kGrain[r.below(16)]);
    }
  }
  return out;
}

// ----- noise -------------------------------------------------------------------------------

std::vector<std::uint8_t> noise_corpus() {
  prng r(0x6E6F6973'00000005u);
  std::vector<std::uint8_t> out(kCorpusBytes);
  for (std::size_t i = 0; i < out.size(); i += 8) {
    const std::uint64_t v = r.next();
    for (std::size_t b = 0; b < 8; ++b) out[i + b] = (v >> (8 * b)) & 0xFF;
  }
  return out;
}

// ----- storage -----------------------------------------------------------------------------

struct generated {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint32_t> starts;  // text corpora: the byte offset of each character
};

generated with_index(std::vector<std::uint8_t> bytes) {
  const auto is_start = [](std::uint8_t b) { return (b & 0xC0) != 0x80; };
  generated g{std::move(bytes), {}};
  g.starts.reserve(
      static_cast<std::size_t>(std::count_if(g.bytes.begin(), g.bytes.end(), is_start)));
  for (std::size_t i = 0; i < g.bytes.size(); ++i)
    if (is_start(g.bytes[i])) g.starts.push_back(static_cast<std::uint32_t>(i));
  return g;
}

// Each corpus is built once, by the first caller (function-local statics are thread-safe).
const generated& get(corpus c) {
  switch (c) {
    case corpus::json: {
      static const generated g = with_index(json_corpus());
      return g;
    }
    case corpus::prose: {
      static const generated g = with_index(prose_corpus());
      return g;
    }
    case corpus::html: {
      static const generated g = with_index(html_corpus());
      return g;
    }
    case corpus::image: {
      static const generated g{image_corpus(), {}};
      return g;
    }
    case corpus::noise:
      break;
  }
  static const generated g{noise_corpus(), {}};
  return g;
}

}  // namespace

std::string_view to_string(corpus c) noexcept {
  switch (c) {
    case corpus::json:
      return "json";
    case corpus::prose:
      return "prose";
    case corpus::html:
      return "html";
    case corpus::image:
      return "image";
    case corpus::noise:
      return "noise";
  }
  return "noise";
}

std::optional<corpus> corpus_from_string(std::string_view s) noexcept {
  for (const corpus c : {corpus::json, corpus::prose, corpus::html, corpus::image, corpus::noise})
    if (to_string(c) == s) return c;
  return std::nullopt;
}

bool is_text(corpus c) noexcept {
  return c == corpus::json || c == corpus::prose || c == corpus::html;
}

std::span<const std::uint8_t> corpus_bytes(corpus c) {
  return get(c).bytes;
}

std::size_t corpus_units(corpus c, bool by_characters) {
  const generated& g = get(c);
  return by_characters && !g.starts.empty() ? g.starts.size() : g.bytes.size();
}

void corpus_slice(corpus c, std::uint64_t start, std::size_t units, bool by_characters,
                  std::vector<std::uint8_t>& out) {
  const generated& g = get(c);
  const std::size_t size = g.bytes.size();
  const bool chars = by_characters && !g.starts.empty();
  const std::size_t n = chars ? g.starts.size() : size;
  // The byte offset of unit u, 0 <= u <= n.
  const auto offset = [&](std::size_t u) -> std::size_t {
    return !chars ? u : u < n ? g.starts[u] : size;
  };
  // The slice is the corpus repeated without end, from the byte of unit `first` to that of unit
  // first + units: `laps` whole corpora, plus the rest, which may cross the end once more.
  const std::size_t first = static_cast<std::size_t>(start % n);
  const std::size_t laps = units / n;
  const std::size_t last = first + units % n;  // below 2n
  const std::size_t from = offset(first);
  const std::size_t to = last < n ? offset(last) : size + offset(last - n);
  std::size_t remaining = laps * size + to - from;
  // Grown geometrically: appending many slices to one vector stays linear in its final size.
  if (out.capacity() - out.size() < remaining)
    out.reserve(std::max(out.size() + remaining, 2 * out.capacity()));
  for (std::size_t at = from; remaining > 0; at = 0) {
    const std::size_t chunk = std::min(size - at, remaining);
    out.insert(out.end(), g.bytes.begin() + static_cast<std::ptrdiff_t>(at),
               g.bytes.begin() + static_cast<std::ptrdiff_t>(at + chunk));
    remaining -= chunk;
  }
}

}  // namespace wsspec::harness
