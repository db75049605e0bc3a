// Throw-away certificates for the TLS tests, made at test time with OpenSSL (nothing secret is
// committed): a CA, and certificates it signs for localhost and 127.0.0.1, for another host, and
// one that has expired; plus a self-signed one for localhost. P-256 keys, PEM files in a fresh
// temporary folder removed with the object.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace wsspec::test {

class test_pki {
 public:
  test_pki() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wsspec-pki-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("no temporary folder");
    dir_ = pattern;
    const auto ca_key = new_key();
    const auto ca = make_cert(ca_key.get(), nullptr, nullptr, "wsspec test CA", "", 0, 1, true);
    write(ca.get(), ca_key.get(), "ca");
    const auto leaf_key = new_key();
    write(make_cert(leaf_key.get(), ca.get(), ca_key.get(), "localhost",
                    "DNS:localhost,IP:127.0.0.1", 0, 1, false)
              .get(),
          leaf_key.get(), "server");
    write(make_cert(leaf_key.get(), ca.get(), ca_key.get(), "other.invalid", "DNS:other.invalid", 0,
                    1, false)
              .get(),
          leaf_key.get(), "other_host");
    write(make_cert(leaf_key.get(), ca.get(), ca_key.get(), "localhost",
                    "DNS:localhost,IP:127.0.0.1", -2, -1, false)
              .get(),
          leaf_key.get(), "expired");
    write(make_cert(leaf_key.get(), nullptr, nullptr, "localhost", "DNS:localhost,IP:127.0.0.1", 0,
                    1, false)
              .get(),
          leaf_key.get(), "self_signed");
  }
  ~test_pki() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  // NAME.pem and NAME.key for NAME in ca, server, other_host, expired, self_signed.
  std::string cert(const std::string& name) const { return (dir_ / (name + ".pem")).string(); }
  std::string key(const std::string& name) const { return (dir_ / (name + ".key")).string(); }

 private:
  using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

  static key_ptr new_key() {
    key_ptr k(EVP_EC_gen("P-256"), EVP_PKEY_free);
    if (!k) throw std::runtime_error("EVP_EC_gen failed");
    return k;
  }

  static void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("bad extension " + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }

  // Valid from `from_days` to `to_days` days from now; signed by issuer (or itself).
  static cert_ptr make_cert(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                            const std::string& cn, const std::string& san, long from_days,
                            long to_days, bool ca) {
    static long serial = 1;
    cert_ptr c(X509_new(), X509_free);
    X509_set_version(c.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial++);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), from_days * 86400 - 3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), to_days * 86400);
    X509_set_pubkey(c.get(), key);
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509* signer = issuer ? issuer : c.get();
    if (ca) {
      add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
      add_ext(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
      add_ext(c.get(), signer, NID_basic_constraints, "CA:FALSE");
      add_ext(c.get(), signer, NID_subject_alt_name, san);
    }
    if (X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0)
      throw std::runtime_error("X509_sign failed");
    return c;
  }

  void write(X509* cert, EVP_PKEY* key, const std::string& name) const {
    std::unique_ptr<FILE, decltype(&std::fclose)> c(std::fopen(this->cert(name).c_str(), "w"),
                                                    std::fclose);
    std::unique_ptr<FILE, decltype(&std::fclose)> k(std::fopen(this->key(name).c_str(), "w"),
                                                    std::fclose);
    if (!c || !k || PEM_write_X509(c.get(), cert) != 1 ||
        PEM_write_PrivateKey(k.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
      throw std::runtime_error("cannot write " + name);
  }

  std::filesystem::path dir_;
};

}  // namespace wsspec::test
