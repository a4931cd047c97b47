using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sharpgres.Auth;

namespace Sharpgres.Tests;

public class AuthMathTests
{
    // RFC 7677 §3 example.
    private const string RfcClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string RfcServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string RfcClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string RfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);
    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    // ---------------------------------------------------------------- MD5

    [Fact]
    public void Md5_KnownValue()
    {
        // python3 -c "import hashlib; i=hashlib.md5(b'secret'+b'postgres').hexdigest();
        //             print('md5'+hashlib.md5(i.encode()+bytes([1,2,3,4])).hexdigest())"
        byte[] result = Md5Password.Compute("postgres", "secret", [0x01, 0x02, 0x03, 0x04]);
        Assert.Equal("md5bb41a296aab6baccb36ff243a562abff", Encoding.ASCII.GetString(result));
        Assert.Equal(35, result.Length); // no trailing NUL
    }

    [Fact]
    public void Md5_NonAsciiUsesUtf8()
    {
        // python3 -c "import hashlib; i=hashlib.md5('pässwörd'.encode()+'jürgen'.encode()).hexdigest();
        //             print('md5'+hashlib.md5(i.encode()+bytes([0xde,0xad,0xbe,0xef])).hexdigest())"
        byte[] result = Md5Password.Compute("jürgen", "pässwörd", [0xDE, 0xAD, 0xBE, 0xEF]);
        Assert.Equal("md5aae7104c69c2981684fe7d3a7c824ea0", Encoding.ASCII.GetString(result));
    }

    [Fact]
    public void Md5_RejectsWrongSaltLength()
    {
        Assert.Throws<ArgumentException>(() => Md5Password.Compute("u", "p", [1, 2, 3]));
    }

    // ---------------------------------------------------------------- SCRAM exchange

    [Fact]
    public void Scram_Rfc7677TestVector()
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce, userName: "user");
        Assert.Equal("SCRAM-SHA-256", client.Mechanism);
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", S(client.ClientFirstMessage()));
        Assert.Equal(RfcClientFinal, S(client.ClientFinalMessage(B(RfcServerFirst))));
        Assert.False(client.IsServerVerified);
        client.VerifyServerFinal(B(RfcServerFinal));
        Assert.True(client.IsServerVerified);
    }

    [Fact]
    public void Scram_DefaultUserNameIsEmpty()
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce);
        Assert.Equal("n,,n=,r=rOprNGfwEbeRWgbNEkqO", S(client.ClientFirstMessage()));
    }

    [Fact]
    public void Scram_UserNameIsEscaped()
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce, userName: "a=b,c");
        Assert.Equal("n,,n=a=3Db=2Cc,r=rOprNGfwEbeRWgbNEkqO", S(client.ClientFirstMessage()));
    }

    [Fact]
    public void Scram_RandomNonce()
    {
        string first1 = S(new ScramSha256Client("x", ScramChannelBinding.None).ClientFirstMessage());
        string first2 = S(new ScramSha256Client("x", ScramChannelBinding.None).ClientFirstMessage());
        Assert.StartsWith("n,,n=,r=", first1);
        string nonce = first1["n,,n=,r=".Length..];
        Assert.Equal(18, Convert.FromBase64String(nonce).Length);
        Assert.NotEqual(first1, first2);
    }

    [Fact]
    public void Scram_ClientSupportsButNotUsed_HeaderInFirstAndFinal()
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.ClientSupportsButNotUsed, RfcClientNonce);
        Assert.Equal("y,,n=,r=rOprNGfwEbeRWgbNEkqO", S(client.ClientFirstMessage()));
        Assert.StartsWith("c=eSws,r=", S(client.ClientFinalMessage(B(RfcServerFirst)))); // base64("y,,")
    }

    [Fact]
    public void Scram_TlsServerEndPoint_IndependentlyComputed()
    {
        // Expected values from Python (hashlib.pbkdf2_hmac / hmac), user "", nonce and server-first of RFC 7677,
        // cbind data bytes(range(32)):
        //   cfwp = 'c=' + b64(b'p=tls-server-end-point,,' + cbind) + ',r=' + nonce
        //   AuthMessage = 'n=,r=rOprNGfwEbeRWgbNEkqO' + ',' + server_first + ',' + cfwp
        byte[] hash = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var client = new ScramSha256Client("pencil", ScramChannelBinding.TlsServerEndPoint(hash), RfcClientNonce);
        Assert.Equal("SCRAM-SHA-256-PLUS", client.Mechanism);
        Assert.Equal("p=tls-server-end-point,,n=,r=rOprNGfwEbeRWgbNEkqO", S(client.ClientFirstMessage()));
        Assert.Equal(
            "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=," +
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=Q8h71kjaoMzNI7dPksDrhRE/5mTUObF0fUHVIgBOWQg=",
            S(client.ClientFinalMessage(B(RfcServerFirst))));
        client.VerifyServerFinal(B("v=ykwoqH8mLqO5AQCeuwwf6lsj9f8zyJZT/CcvAbN4Ssc="));
        Assert.True(client.IsServerVerified);
    }

    [Fact]
    public void Scram_ServerSignatureMismatch()
    {
        var client = RfcClientAfterFinal();
        // A valid-looking 32-byte signature that is not the right one.
        string wrong = "v=" + Convert.ToBase64String(new byte[32]);
        var e = Assert.Throws<OperationalError>(() => client.VerifyServerFinal(B(wrong)));
        Assert.Equal("SCRAM server signature mismatch", e.Message);
        Assert.False(client.IsServerVerified);
    }

    [Fact]
    public void Scram_ServerSignatureOfWrongPasswordIsRejected()
    {
        // The RFC's server signature is for "pencil": a client with another password must reject it.
        var client = new ScramSha256Client("pencil2", ScramChannelBinding.None, RfcClientNonce, userName: "user");
        client.ClientFirstMessage();
        client.ClientFinalMessage(B(RfcServerFirst));
        Assert.Throws<OperationalError>(() => client.VerifyServerFinal(B(RfcServerFinal)));
    }

    [Theory]
    [InlineData("v=AAAA")]                       // wrong length
    [InlineData("v=!!notbase64!!")]
    [InlineData("v=")]
    [InlineData("x=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")]
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=,x=1")]
    public void Scram_MalformedServerFinal(string serverFinal)
    {
        var client = RfcClientAfterFinal();
        var e = Assert.Throws<OperationalError>(() => client.VerifyServerFinal(B(serverFinal)));
        Assert.StartsWith("malformed SCRAM message", e.Message);
    }

    [Fact]
    public void Scram_ServerError()
    {
        var client = RfcClientAfterFinal();
        var e = Assert.Throws<OperationalError>(() => client.VerifyServerFinal(B("e=invalid-proof")));
        Assert.Equal("error received from server in SCRAM exchange: invalid-proof", e.Message);
        Assert.False(client.IsServerVerified);
    }

    [Theory]
    [InlineData("r=XXprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")] // other prefix
    [InlineData("r=rOprNGfwEbeRWgbNEkq,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]                             // truncated
    [InlineData("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]                            // no server part
    public void Scram_NonceMismatch(string serverFirst)
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce);
        client.ClientFirstMessage();
        var e = Assert.Throws<OperationalError>(() => client.ClientFinalMessage(B(serverFirst)));
        Assert.Equal("invalid SCRAM response (nonce mismatch)", e.Message);
    }

    [Theory]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0", "invalid iteration count")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1", "invalid iteration count")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k", "invalid iteration count")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999", "invalid iteration count")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=not*base64,i=4096", "invalid salt")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=,i=4096", "invalid salt")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=y", "garbage at end of server-first-message")]
    [InlineData("m=ext,r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "attribute \"r\" expected")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,i=4096", "attribute \"s\" expected")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==", "attribute \"i\" expected")]
    [InlineData("", "attribute \"r\" expected")]
    public void Scram_MalformedServerFirst(string serverFirst, string detail)
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce);
        client.ClientFirstMessage();
        var e = Assert.Throws<OperationalError>(() => client.ClientFinalMessage(B(serverFirst)));
        Assert.Equal($"malformed SCRAM message ({detail})", e.Message);
    }

    [Fact]
    public void Scram_OutOfOrderCallsThrow()
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce);
        Assert.Throws<InvalidOperationException>(() => client.ClientFinalMessage(B(RfcServerFirst)));
        Assert.Throws<InvalidOperationException>(() => client.VerifyServerFinal(B(RfcServerFinal)));
        client.ClientFirstMessage();
        Assert.Throws<InvalidOperationException>(() => client.ClientFirstMessage());
        Assert.Throws<InvalidOperationException>(() => client.VerifyServerFinal(B(RfcServerFinal)));
    }

    [Fact]
    public void Scram_AuthMessageIsClientFirstBareServerFirstClientFinalWithoutProof()
    {
        var client = RfcClientAfterFinal();
        Assert.Equal(
            "n=user,r=rOprNGfwEbeRWgbNEkqO," + RfcServerFirst + ",c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            S(client.AuthMessage.ToArray()));
    }

    [Fact]
    public void Scram_NonAsciiSpaceInPasswordIsMappedBySaslPrep()
    {
        // "pen\u00A0cil" SASLprep's to "pen cil": both must produce the same proof.
        string Final(string password)
        {
            var client = new ScramSha256Client(password, ScramChannelBinding.None, RfcClientNonce);
            client.ClientFirstMessage();
            return S(client.ClientFinalMessage(B(RfcServerFirst)));
        }
        Assert.Equal(Final("pen cil"), Final("pen\u00A0cil"));
        Assert.NotEqual(Final("pencil"), Final("pen cil"));
    }

    private static ScramSha256Client RfcClientAfterFinal()
    {
        var client = new ScramSha256Client("pencil", ScramChannelBinding.None, RfcClientNonce, userName: "user");
        client.ClientFirstMessage();
        client.ClientFinalMessage(B(RfcServerFirst));
        return client;
    }

    // ---------------------------------------------------------------- SASLprep

    [Theory]
    [InlineData("pencil")]
    [InlineData("p@ss w0rd!~")]
    [InlineData("tab\there")]   // ASCII control characters pass unchanged (pg_saslprep's ASCII shortcut)
    [InlineData("")]
    public void SaslPrep_AsciiUnchanged(string password)
    {
        Assert.Equal(password, SaslPrep.Prepare(password));
        Assert.Equal(Encoding.ASCII.GetBytes(password), SaslPrep.PreparePassword(password));
    }

    [Theory]
    [InlineData("pen\u00A0cil", "pen cil")]      // NO-BREAK SPACE -> space (C.1.2)
    [InlineData("pen\u3000cil", "pen cil")]      // IDEOGRAPHIC SPACE
    [InlineData("pen\u2003cil", "pen cil")]      // EM SPACE
    [InlineData("pen\u00ADcil", "pencil")]       // SOFT HYPHEN mapped to nothing (B.1)
    [InlineData("I\u00ADX", "IX")]               // RFC 4013 §3 example
    [InlineData("\u00AA", "a")]                  // RFC 4013 §3: FEMININE ORDINAL -> NFKC "a"
    [InlineData("\u2168", "IX")]                 // RFC 4013 §3: ROMAN NUMERAL NINE -> "IX"
    [InlineData("caf\u0065\u0301", "caf\u00E9")] // NFKC composes
    [InlineData("ｐａｓｓ", "pass")]               // fullwidth -> ASCII
    public void SaslPrep_Maps(string input, string expected)
    {
        Assert.Equal(expected, SaslPrep.Prepare(input));
        Assert.Equal(Encoding.UTF8.GetBytes(expected), SaslPrep.PreparePassword(input));
    }

    [Theory]
    [InlineData("p\u00E4ss\u0007")]    // RFC 4013 §3: control char in a non-ASCII string is prohibited
    [InlineData("\u00E4\uE000")]       // private use (C.3)
    [InlineData("\u00AD")]             // maps to empty
    [InlineData("\u0627\u0031")]       // RandALCat not last (RFC 4013 §3 example)
    [InlineData("\u0627a\u0627")]      // RandALCat mixed with LCat
    [InlineData("\u00E4\U0001F511")]   // unassigned in Unicode 3.2 (emoji)
    [InlineData("\u00E4\uD800")]       // lone surrogate
    public void SaslPrep_ProhibitedFallsBackToRawPassword(string input)
    {
        Assert.Null(SaslPrep.Prepare(input));
        Assert.Equal(Encoding.UTF8.GetBytes(input), SaslPrep.PreparePassword(input));
    }

    [Fact]
    public void SaslPrep_ValidBidi()
    {
        Assert.Equal("\u0627\u0031\u0628", SaslPrep.Prepare("\u0627\u0031\u0628")); // RFC 4013 §3 example
    }

    // ---------------------------------------------------------------- mechanism selection

    public enum Offer { Plain, Plus, Both }

    [Theory]
    //          policy                           offer        tls    hash   mechanism             binding (null = throws)
    [InlineData(nameof(ChannelBindingPolicy.Disable), Offer.Plain, false, false, "SCRAM-SHA-256", "n,,")]
    [InlineData(nameof(ChannelBindingPolicy.Disable), Offer.Plain, true, true, "SCRAM-SHA-256", "n,,")]
    [InlineData(nameof(ChannelBindingPolicy.Disable), Offer.Both, true, true, "SCRAM-SHA-256", "n,,")]
    [InlineData(nameof(ChannelBindingPolicy.Disable), Offer.Plus, true, true, null, null)]
    [InlineData(nameof(ChannelBindingPolicy.Disable), Offer.Both, false, false, null, null)] // PLUS over non-TLS
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Plain, false, false, "SCRAM-SHA-256", "n,,")]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Plain, true, true, "SCRAM-SHA-256", "y,,")]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Plain, true, false, "SCRAM-SHA-256", "n,,")]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Both, true, true, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,")]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Both, true, false, "SCRAM-SHA-256", "n,,")]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Plus, true, true, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,")]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Plus, true, false, null, null)]
    [InlineData(nameof(ChannelBindingPolicy.Prefer), Offer.Both, false, false, null, null)] // PLUS over non-TLS
    [InlineData(nameof(ChannelBindingPolicy.Require), Offer.Plain, false, false, null, null)]
    [InlineData(nameof(ChannelBindingPolicy.Require), Offer.Plain, true, true, null, null)]
    [InlineData(nameof(ChannelBindingPolicy.Require), Offer.Both, true, true, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,")]
    [InlineData(nameof(ChannelBindingPolicy.Require), Offer.Both, true, false, null, null)]
    [InlineData(nameof(ChannelBindingPolicy.Require), Offer.Plus, true, true, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,")]
    [InlineData(nameof(ChannelBindingPolicy.Require), Offer.Both, false, false, null, null)]
    public void SelectMechanism_Table(string policyName, Offer offer, bool tls, bool hashAvailable,
        string? expectedMechanism, string? expectedGs2)
    {
        string[] mechanisms = offer switch
        {
            Offer.Plain => ["SCRAM-SHA-256"],
            Offer.Plus => ["SCRAM-SHA-256-PLUS"],
            _ => ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"],
        };
        var policy = Enum.Parse<ChannelBindingPolicy>(policyName);
        byte[]? hash = hashAvailable ? new byte[32] : null;

        if (expectedMechanism is null)
        {
            Assert.Throws<OperationalError>(() => ScramSha256Client.SelectMechanism(mechanisms, policy, tls, hash, out _));
            return;
        }
        string mechanism = ScramSha256Client.SelectMechanism(mechanisms, policy, tls, hash, out ScramChannelBinding binding);
        Assert.Equal(expectedMechanism, mechanism);
        Assert.Equal(expectedMechanism, binding.Mechanism);
        Assert.Equal(expectedGs2, binding.Gs2Header);
        if (binding.IsPlus)
            Assert.Equal(hash, binding.CbindData.ToArray());
    }

    [Fact]
    public void SelectMechanism_RequireWithoutPlus_LibpqMessage()
    {
        var e = Assert.Throws<OperationalError>(() =>
            ScramSha256Client.SelectMechanism(["SCRAM-SHA-256"], ChannelBindingPolicy.Require, true, new byte[32], out _));
        Assert.Equal("channel binding is required, but server did not offer an authentication method that supports channel binding", e.Message);
    }

    [Fact]
    public void SelectMechanism_NoScram_NamesOfferedMechanisms()
    {
        var e = Assert.Throws<OperationalError>(() =>
            ScramSha256Client.SelectMechanism(["OAUTHBEARER", "FOO"], ChannelBindingPolicy.Prefer, false, null, out _));
        Assert.Contains("OAUTHBEARER, FOO", e.Message);
    }

    // ---------------------------------------------------------------- tls-server-end-point

    [Fact]
    public void TlsServerEndPoint_EcdsaSha256_UsesSha256()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = SelfSigned(new CertificateRequest("CN=ecdsa-sha256", key, HashAlgorithmName.SHA256));
        Assert.Equal("1.2.840.10045.4.3.2", cert.SignatureAlgorithm.Value);
        Assert.Equal(HashAlgorithmName.SHA256, ScramSha256Client.TlsServerEndPointHashAlgorithm(cert));
        Assert.Equal(SHA256.HashData(cert.RawData), ScramSha256Client.TlsServerEndPointHash(cert));
    }

    [Fact]
    public void TlsServerEndPoint_RsaSha384_UsesSha384()
    {
        using var key = RSA.Create(2048);
        using var cert = SelfSigned(new CertificateRequest("CN=rsa-sha384", key, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
        Assert.Equal("1.2.840.113549.1.1.12", cert.SignatureAlgorithm.Value);
        Assert.Equal(HashAlgorithmName.SHA384, ScramSha256Client.TlsServerEndPointHashAlgorithm(cert));
        byte[] hash = ScramSha256Client.TlsServerEndPointHash(cert);
        Assert.Equal(48, hash.Length);
        Assert.Equal(SHA384.HashData(cert.RawData), hash);
    }

    [Fact]
    public void TlsServerEndPoint_EcdsaSha512_UsesSha512()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var cert = SelfSigned(new CertificateRequest("CN=ecdsa-sha512", key, HashAlgorithmName.SHA512));
        Assert.Equal(SHA512.HashData(cert.RawData), ScramSha256Client.TlsServerEndPointHash(cert));
    }

    [Fact]
    public void TlsServerEndPoint_RsaPss_UsesHashFromParameters()
    {
        using var key = RSA.Create(2048);
        using var cert = SelfSigned(new CertificateRequest("CN=rsa-pss-sha512", key, HashAlgorithmName.SHA512, RSASignaturePadding.Pss));
        Assert.Equal("1.2.840.113549.1.1.10", cert.SignatureAlgorithm.Value);
        Assert.Equal(HashAlgorithmName.SHA512, ScramSha256Client.TlsServerEndPointHashAlgorithm(cert));
        Assert.Equal(SHA512.HashData(cert.RawData), ScramSha256Client.TlsServerEndPointHash(cert));
    }

    [Theory]
    [InlineData("1.2.840.113549.1.1.5")] // sha1WithRSAEncryption
    [InlineData("1.2.840.113549.1.1.4")] // md5WithRSAEncryption
    public void TlsServerEndPoint_Sha1AndMd5AreUpgradedToSha256(string signatureOid)
    {
        // .NET refuses to sign with SHA-1/MD5 itself: label the certificate with the OID through a custom generator
        // (the signature bytes are never checked here).
        using var cert = WithSignatureOid(signatureOid);
        Assert.Equal(signatureOid, cert.SignatureAlgorithm.Value);
        Assert.Equal(HashAlgorithmName.SHA256, ScramSha256Client.TlsServerEndPointHashAlgorithm(cert));
        Assert.Equal(SHA256.HashData(cert.RawData), ScramSha256Client.TlsServerEndPointHash(cert));
    }

    [Theory]
    [InlineData("1.3.101.112")]          // Ed25519: no separate hash function
    [InlineData("1.2.840.113549.1.1.14")] // sha224WithRSAEncryption: SHA-224 not available in .NET
    public void TlsServerEndPoint_UnsupportedSignatureAlgorithmThrows(string signatureOid)
    {
        using var cert = WithSignatureOid(signatureOid);
        var e = Assert.Throws<OperationalError>(() => ScramSha256Client.TlsServerEndPointHash(cert));
        Assert.Contains(signatureOid, e.Message);
    }

    private static X509Certificate2 SelfSigned(CertificateRequest request) =>
        request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

    private static X509Certificate2 WithSignatureOid(string signatureOid)
    {
        using var key = RSA.Create(2048);
        var generator = new LabelledRsaGenerator(key, signatureOid);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + signatureOid), generator.PublicKey, HashAlgorithmName.SHA256);
        return request.Create(request.SubjectName, generator, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
    }

    /// <summary>Signs with RSA/SHA-256 but writes an arbitrary signature algorithm OID into the certificate.</summary>
    private sealed class LabelledRsaGenerator(RSA key, string oid) : X509SignatureGenerator
    {
        private readonly PublicKey _publicKey = CreateForRSA(key, RSASignaturePadding.Pkcs1).PublicKey;

        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            using (writer.PushSequence())
                writer.WriteObjectIdentifier(oid);
            return writer.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
            key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        protected override PublicKey BuildPublicKey() => _publicKey;
    }
}
