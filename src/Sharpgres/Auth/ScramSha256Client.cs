using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sharpgres.Auth;

/// <summary>
/// The client side of one SCRAM-SHA-256 / SCRAM-SHA-256-PLUS exchange (RFC 5802, RFC 7677) as PostgreSQL speaks it.
/// Pure computation: the caller sends <see cref="ClientFirstMessage"/> in SASLInitialResponse, feeds the
/// AuthenticationSASLContinue data to <see cref="ClientFinalMessage"/> and sends the result in SASLResponse, then
/// feeds the AuthenticationSASLFinal data to <see cref="VerifyServerFinal"/> before accepting AuthenticationOk.
/// </summary>
/// <remarks>
/// Methods must be called once each, in that order; anything else throws <see cref="InvalidOperationException"/>.
/// Malformed or failing server messages throw <see cref="OperationalError"/>, after which the instance is unusable.
/// </remarks>
internal sealed class ScramSha256Client
{
    public const string MechanismName = "SCRAM-SHA-256";
    public const string PlusMechanismName = "SCRAM-SHA-256-PLUS";

    /// <summary>Raw client nonce length, as libpq (SCRAM_RAW_NONCE_LEN).</summary>
    internal const int RawNonceLength = 18;

    /// <summary>
    /// The most PBKDF2 iterations a server may ask for. The count comes from the server before it has proved anything,
    /// so it bounds the work a hostile server can make the client do: PostgreSQL's default is 4096 (scram_iterations),
    /// OWASP's 2023 advice for PBKDF2-SHA256 is 600,000; 1,000,000 leaves room above both (about half a second).
    /// </summary>
    internal const int MaxIterations = 1_000_000;

    private const int KeyLength = 32; // SHA-256 output

    private readonly string _password;
    private readonly ScramChannelBinding _binding;
    private readonly string _clientNonce;
    private readonly string _clientFirstBare;
    private State _state;
    private byte[]? _authMessage;
    private byte[]? _expectedServerSignature;

    private enum State { Initial, FirstSent, FinalSent, Verified, Failed }

    public ScramSha256Client(string password, ScramChannelBinding binding)
        : this(password, binding, GenerateNonce(), userName: "")
    {
    }

    /// <summary>
    /// For tests: a fixed client nonce and optionally a user name. PostgreSQL ignores the SCRAM user name (it
    /// authenticates the startup packet's user), so the driver sends an empty one like libpq.
    /// </summary>
    internal ScramSha256Client(string password, ScramChannelBinding binding, string clientNonce, string userName = "")
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(clientNonce);
        ArgumentNullException.ThrowIfNull(userName);
        if (clientNonce.Length == 0 || !clientNonce.All(c => c is >= '!' and <= '~' and not ','))
            throw new ArgumentException("The SCRAM nonce must be non-empty printable ASCII without ','.", nameof(clientNonce));

        _password = password;
        _binding = binding;
        _clientNonce = clientNonce;
        _clientFirstBare = "n=" + EscapeSaslName(userName) + ",r=" + clientNonce;
    }

    /// <summary>The SASL mechanism this exchange authenticates with (follows from the channel binding).</summary>
    public string Mechanism => _binding.Mechanism;

    public ScramChannelBinding Binding => _binding;

    /// <summary>True once <see cref="VerifyServerFinal"/> accepted the server's signature: the server knows the password.</summary>
    public bool IsServerVerified => _state == State.Verified;

    /// <summary>client-first-message: gs2 header + <c>n=,r=&lt;nonce&gt;</c>, UTF-8.</summary>
    public byte[] ClientFirstMessage()
    {
        Expect(State.Initial, nameof(ClientFirstMessage));
        _state = State.FirstSent;
        return Encoding.UTF8.GetBytes(_binding.Gs2Header + _clientFirstBare);
    }

    /// <summary>
    /// Parses server-first-message (<c>r=&lt;nonce&gt;,s=&lt;salt&gt;,i=&lt;iterations&gt;</c>) and returns
    /// client-final-message (<c>c=&lt;binding&gt;,r=&lt;nonce&gt;,p=&lt;proof&gt;</c>).
    /// </summary>
    public byte[] ClientFinalMessage(ReadOnlySpan<byte> serverFirst)
    {
        Expect(State.FirstSent, nameof(ClientFinalMessage));
        _state = State.Failed; // until proven otherwise

        string message = DecodeServerMessage(serverFirst);
        string[] attributes = message.Split(',');
        // RFC 5802 allows a leading "m=" mandatory extension; nobody defines one, so it fails here like in libpq.
        string nonce = Attribute(attributes, 0, 'r');
        string saltText = Attribute(attributes, 1, 's');
        string iterationsText = Attribute(attributes, 2, 'i');
        if (attributes.Length > 3)
            throw Malformed("garbage at end of server-first-message");

        // The server's nonce must extend ours: anything else is a replay or a confused server.
        if (nonce.Length <= _clientNonce.Length || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
            throw new OperationalError("invalid SCRAM response (nonce mismatch)");

        byte[] salt = DecodeBase64(saltText) ?? throw Malformed("invalid salt");
        if (salt.Length == 0)
            throw Malformed("invalid salt");

        if (!int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < 1)
            throw Malformed("invalid iteration count");
        if (iterations > MaxIterations)
            throw new OperationalError($"invalid SCRAM response: iteration count {iterations} is above the client's limit of {MaxIterations:N0}");

        byte[] passwordBytes = SaslPrep.PreparePassword(_password);
        byte[] saltedPassword = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA256, KeyLength);
        CryptographicOperations.ZeroMemory(passwordBytes);

        byte[] clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        byte[] storedKey = SHA256.HashData(clientKey);
        byte[] serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        CryptographicOperations.ZeroMemory(saltedPassword);

        // c= is base64(gs2 header || cbind data), cbind data being empty without PLUS.
        byte[] gs2Header = Encoding.ASCII.GetBytes(_binding.Gs2Header);
        byte[] cbindInput = [.. gs2Header, .. _binding.CbindData];
        string clientFinalWithoutProof = "c=" + Convert.ToBase64String(cbindInput) + ",r=" + nonce;

        // AuthMessage = client-first-message-bare "," server-first-message "," client-final-message-without-proof,
        // with the server's message exactly as received.
        byte[] authMessage = [.. Encoding.UTF8.GetBytes(_clientFirstBare), (byte)',', .. serverFirst, (byte)',',
            .. Encoding.ASCII.GetBytes(clientFinalWithoutProof)];

        byte[] clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        byte[] proof = new byte[KeyLength];
        for (int i = 0; i < proof.Length; i++)
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        CryptographicOperations.ZeroMemory(clientKey);

        _expectedServerSignature = HMACSHA256.HashData(serverKey, authMessage);
        CryptographicOperations.ZeroMemory(serverKey);
        _authMessage = authMessage;
        _state = State.FinalSent;
        return Encoding.ASCII.GetBytes(clientFinalWithoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    /// <summary>
    /// Checks server-final-message: <c>e=&lt;error&gt;</c> or <c>v=&lt;signature&gt;</c>. Throws
    /// <see cref="OperationalError"/> unless the signature proves the server knows the password.
    /// </summary>
    public void VerifyServerFinal(ReadOnlySpan<byte> serverFinal)
    {
        Expect(State.FinalSent, nameof(VerifyServerFinal));
        _state = State.Failed;

        string message = DecodeServerMessage(serverFinal);
        if (message.StartsWith("e=", StringComparison.Ordinal))
            throw new OperationalError("error received from server in SCRAM exchange: " + message[2..]);

        string[] attributes = message.Split(',');
        string signatureText = Attribute(attributes, 0, 'v');
        if (attributes.Length > 1)
            throw Malformed("garbage at end of server-final-message");
        byte[]? signature = DecodeBase64(signatureText);
        if (signature is null || signature.Length != KeyLength)
            throw Malformed("invalid server signature");

        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
            throw new OperationalError("SCRAM server signature mismatch");
        _state = State.Verified;
    }

    /// <summary>The AuthMessage of the exchange, once <see cref="ClientFinalMessage"/> computed it (for tests).</summary>
    internal ReadOnlySpan<byte> AuthMessage => _authMessage;

    /// <summary>
    /// Picks the SASL mechanism from AuthenticationSASL's list and the channel binding to use with it, as libpq does.
    /// </summary>
    /// <param name="serverMechanisms">The mechanisms the server offered.</param>
    /// <param name="policy">The channel_binding setting.</param>
    /// <param name="tlsInUse">Whether the connection is TLS-encrypted.</param>
    /// <param name="tlsServerEndPointHash">
    /// <see cref="TlsServerEndPointHash"/> of the server certificate, or null if the connection is not TLS or the
    /// certificate's signature algorithm gives no usable hash (then the client does not support binding).
    /// </param>
    /// <param name="binding">The channel binding to construct the <see cref="ScramSha256Client"/> with.</param>
    /// <returns><see cref="PlusMechanismName"/> or <see cref="MechanismName"/>, to send in SASLInitialResponse.</returns>
    /// <exception cref="OperationalError">No SCRAM mechanism offered; PLUS offered without TLS; or <paramref name="policy"/>
    /// is Require and channel binding cannot be used.</exception>
    public static string SelectMechanism(IReadOnlyList<string> serverMechanisms, ChannelBindingPolicy policy, bool tlsInUse,
        byte[]? tlsServerEndPointHash, out ScramChannelBinding binding)
    {
        ArgumentNullException.ThrowIfNull(serverMechanisms);
        bool plusOffered = serverMechanisms.Contains(PlusMechanismName, StringComparer.Ordinal);
        bool plainOffered = serverMechanisms.Contains(MechanismName, StringComparer.Ordinal);

        if (!plusOffered && !plainOffered)
        {
            string offered = serverMechanisms.Count == 0 ? "none" : string.Join(", ", serverMechanisms);
            throw new OperationalError(
                $"none of the server's SASL authentication mechanisms are supported (server offered: {offered})");
        }

        // A server only offers PLUS over TLS. Seeing it on a plain connection means something in between stripped
        // TLS; the server would reject an unbound exchange anyway (libpq gives up here too).
        if (plusOffered && !tlsInUse)
            throw new OperationalError("server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection");

        bool clientCanBind = policy != ChannelBindingPolicy.Disable && tlsInUse && tlsServerEndPointHash is not null;
        if (plusOffered && clientCanBind)
        {
            binding = ScramChannelBinding.TlsServerEndPoint(tlsServerEndPointHash!);
            return PlusMechanismName;
        }

        if (policy == ChannelBindingPolicy.Require)
        {
            throw new OperationalError(plusOffered
                ? "channel binding is required, but the server certificate gives no tls-server-end-point hash"
                : "channel binding is required, but server did not offer an authentication method that supports channel binding");
        }

        if (!plainOffered)
        {
            // Only PLUS offered, and we cannot (or, Disable, will not) bind.
            throw new OperationalError(policy == ChannelBindingPolicy.Disable
                ? "server requires SCRAM-SHA-256-PLUS (channel binding), but channel_binding is disabled"
                : "server requires SCRAM-SHA-256-PLUS, but the server certificate gives no tls-server-end-point hash");
        }

        // "y": we could bind but the server didn't offer PLUS; a server that does support it takes this as a downgrade.
        binding = clientCanBind ? ScramChannelBinding.ClientSupportsButNotUsed : ScramChannelBinding.None;
        return MechanismName;
    }

    /// <summary>
    /// The <c>tls-server-end-point</c> channel binding data (RFC 5929 §4.1): the hash of the server certificate's DER
    /// with the hash function of the certificate's signature algorithm, MD5 and SHA-1 replaced by SHA-256.
    /// </summary>
    /// <remarks>
    /// Like libpq built with OpenSSL ≥ 1.1.1 (<c>X509_get_signature_info</c>), RSASSA-PSS takes the hash from the
    /// signature parameters (SHA-1 when absent, so SHA-256). Signature algorithms without a separate hash function
    /// (Ed25519, Ed448, ...) and hashes .NET doesn't implement (SHA-224) throw <see cref="OperationalError"/>, as libpq
    /// fails for them too.
    /// </remarks>
    public static byte[] TlsServerEndPointHash(X509Certificate2 serverCert)
    {
        HashAlgorithmName algorithm = TlsServerEndPointHashAlgorithm(serverCert);
        return CryptographicOperations.HashData(algorithm, serverCert.RawDataMemory.Span);
    }

    /// <summary>The hash function <see cref="TlsServerEndPointHash"/> uses for <paramref name="serverCert"/>.</summary>
    internal static HashAlgorithmName TlsServerEndPointHashAlgorithm(X509Certificate2 serverCert)
    {
        ArgumentNullException.ThrowIfNull(serverCert);
        string signatureOid;
        string? pssHashOid = null;
        try
        {
            // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue }
            var certificate = new AsnReader(serverCert.RawDataMemory, AsnEncodingRules.DER).ReadSequence();
            certificate.ReadEncodedValue();
            AsnReader algorithmIdentifier = certificate.ReadSequence();
            signatureOid = algorithmIdentifier.ReadObjectIdentifier();
            if (signatureOid == RsassaPss)
            {
                // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, ... }
                pssHashOid = Sha1;
                if (algorithmIdentifier.HasData)
                {
                    AsnReader parameters = algorithmIdentifier.ReadSequence();
                    var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
                    if (parameters.HasData && parameters.PeekTag() == hashTag)
                        pssHashOid = parameters.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier();
                }
            }
        }
        catch (AsnContentException e)
        {
            throw new OperationalError("could not determine server certificate signature algorithm", inner: e);
        }

        string hashOid = pssHashOid ?? signatureOid switch
        {
            "1.2.840.113549.1.1.4" => Md5,        // md5WithRSAEncryption
            "1.2.840.113549.1.1.5" => Sha1,       // sha1WithRSAEncryption
            "1.2.840.10045.4.1" => Sha1,          // ecdsa-with-SHA1
            "1.2.840.10040.4.3" => Sha1,          // id-dsa-with-sha1
            "1.2.840.113549.1.1.14" => Sha224,    // sha224WithRSAEncryption
            "1.2.840.10045.4.3.1" => Sha224,      // ecdsa-with-SHA224
            "2.16.840.1.101.3.4.3.1" => Sha224,   // id-dsa-with-sha224
            "1.2.840.113549.1.1.11" => Sha256,    // sha256WithRSAEncryption
            "1.2.840.10045.4.3.2" => Sha256,      // ecdsa-with-SHA256
            "2.16.840.1.101.3.4.3.2" => Sha256,   // id-dsa-with-sha256
            "1.2.840.113549.1.1.12" => Sha384,    // sha384WithRSAEncryption
            "1.2.840.10045.4.3.3" => Sha384,      // ecdsa-with-SHA384
            "1.2.840.113549.1.1.13" => Sha512,    // sha512WithRSAEncryption
            "1.2.840.10045.4.3.4" => Sha512,      // ecdsa-with-SHA512
            "2.16.840.1.101.3.4.3.10" => Sha3_256, // id-ecdsa-with-sha3-256
            "2.16.840.1.101.3.4.3.11" => Sha3_384, // id-ecdsa-with-sha3-384
            "2.16.840.1.101.3.4.3.12" => Sha3_512, // id-ecdsa-with-sha3-512
            "2.16.840.1.101.3.4.3.14" => Sha3_256, // id-rsassa-pkcs1-v1_5-with-sha3-256
            "2.16.840.1.101.3.4.3.15" => Sha3_384, // id-rsassa-pkcs1-v1_5-with-sha3-384
            "2.16.840.1.101.3.4.3.16" => Sha3_512, // id-rsassa-pkcs1-v1_5-with-sha3-512
            _ => throw new OperationalError(
                $"tls-server-end-point channel binding is not supported for the server certificate's signature algorithm {DescribeOid(signatureOid)}"),
        };

        HashAlgorithmName? algorithm = hashOid switch
        {
            Md5 or Sha1 or Sha256 => HashAlgorithmName.SHA256, // RFC 5929 §4.1: MD5 and SHA-1 are upgraded to SHA-256
            Sha384 => HashAlgorithmName.SHA384,
            Sha512 => HashAlgorithmName.SHA512,
            Sha3_256 when SHA3_256.IsSupported => HashAlgorithmName.SHA3_256,
            Sha3_384 when SHA3_384.IsSupported => HashAlgorithmName.SHA3_384,
            Sha3_512 when SHA3_512.IsSupported => HashAlgorithmName.SHA3_512,
            _ => null,
        };
        return algorithm ?? throw new OperationalError(
            $"tls-server-end-point channel binding is not supported for the server certificate's signature algorithm {DescribeOid(signatureOid)} (hash {DescribeOid(hashOid)})");
    }

    private const string RsassaPss = "1.2.840.113549.1.1.10";
    private const string Md5 = "1.2.840.113549.2.5";
    private const string Sha1 = "1.3.14.3.2.26";
    private const string Sha224 = "2.16.840.1.101.3.4.2.4";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private const string Sha384 = "2.16.840.1.101.3.4.2.2";
    private const string Sha512 = "2.16.840.1.101.3.4.2.3";
    private const string Sha3_256 = "2.16.840.1.101.3.4.2.8";
    private const string Sha3_384 = "2.16.840.1.101.3.4.2.9";
    private const string Sha3_512 = "2.16.840.1.101.3.4.2.10";

    private static string DescribeOid(string oid)
    {
        string? name = new Oid(oid).FriendlyName; // null when unknown; never throws
        return string.IsNullOrEmpty(name) ? oid : $"{name} ({oid})";
    }

    private static string GenerateNonce()
    {
        Span<byte> raw = stackalloc byte[RawNonceLength];
        RandomNumberGenerator.Fill(raw);
        return Convert.ToBase64String(raw);
    }

    /// <summary>RFC 5802 saslname: "=" and "," are escaped as "=3D" and "=2C".</summary>
    private static string EscapeSaslName(string name) => name.Replace("=", "=3D").Replace(",", "=2C");

    private static string DecodeServerMessage(ReadOnlySpan<byte> message)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(message);
        }
        catch (DecoderFallbackException e)
        {
            throw new OperationalError("malformed SCRAM message (invalid UTF-8)", inner: e);
        }
    }

    private static string Attribute(string[] attributes, int index, char name)
    {
        if (index >= attributes.Length || attributes[index].Length < 2 || attributes[index][0] != name || attributes[index][1] != '=')
            throw Malformed($"attribute \"{name}\" expected");
        return attributes[index][2..];
    }

    private static byte[]? DecodeBase64(string text)
    {
        if (text.Length == 0 || text.Any(char.IsWhiteSpace))
            return null;
        byte[] buffer = new byte[text.Length * 3 / 4];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }

    private static OperationalError Malformed(string what) => new($"malformed SCRAM message ({what})");

    private void Expect(State state, string method)
    {
        if (_state != state)
            throw new InvalidOperationException($"{method} called out of order in the SCRAM exchange (state {_state}).");
    }
}
