using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sharpgres.Testing;

/// <summary>
/// A throwaway PKI for a <see cref="TempServer"/>: a self-signed CA, a server certificate for
/// <c>localhost</c>/<c>127.0.0.1</c>/<c>::1</c> and client certificates (CN = role name), all ECDSA P-256, written as
/// PEM (certificate + PKCS#8 key). Server-side ownership (postgres insists its key belongs to it) is the caller's job.
/// </summary>
public sealed class TlsCertificates : IDisposable
{
    private const UnixFileMode PublicMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 authority;
    private readonly DateTimeOffset notBefore;
    private readonly DateTimeOffset notAfter;

    private TlsCertificates(string directory, X509Certificate2 authority, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        Directory = directory;
        this.authority = authority;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        CaCertificatePath = Path.Combine(directory, "ca.crt");
        ServerCertificatePath = Path.Combine(directory, "server.crt");
        ServerKeyPath = Path.Combine(directory, "server.key");
        ClientCertificatePath = Path.Combine(directory, "client.crt");
        ClientKeyPath = Path.Combine(directory, "client.key");
    }

    /// <summary>The folder the PEM files are written to.</summary>
    public string Directory { get; }
    /// <summary>The self-signed CA certificate (ca.crt): the client's <c>sslrootcert</c> and the server's <c>ssl_ca_file</c>.</summary>
    public string CaCertificatePath { get; }
    /// <summary>The server certificate (server.crt) for localhost, 127.0.0.1 and ::1, signed by the CA: the server's <c>ssl_cert_file</c>.</summary>
    public string ServerCertificatePath { get; }
    /// <summary>The server certificate's private key (server.key, mode 0600): the server's <c>ssl_key_file</c>.</summary>
    public string ServerKeyPath { get; }
    /// <summary>The client certificate (client.crt) whose CN is the role name, for <c>cert</c> authentication (the client's <c>sslcert</c>).</summary>
    public string ClientCertificatePath { get; }
    /// <summary>The client certificate's private key (client.key, mode 0600): the client's <c>sslkey</c>.</summary>
    public string ClientKeyPath { get; }

    /// <summary>Generates the CA, the server certificate and a client certificate for <paramref name="clientUser"/> into <paramref name="directory"/>.</summary>
    public static TlsCertificates Create(string directory, string clientUser)
    {
        System.IO.Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        var notBefore = now.AddDays(-1);
        var authority = CreateAuthority(notBefore, now.AddYears(10));
        var certificates = new TlsCertificates(directory, authority, notBefore, now.AddYears(5));
        try
        {
            Write(certificates.CaCertificatePath, authority.ExportCertificatePem(), PublicMode);
            certificates.Issue(ServerName(), ServerAuthentication, certificates.ServerCertificatePath, certificates.ServerKeyPath);
            certificates.IssueClientCertificate(clientUser, certificates.ClientCertificatePath, certificates.ClientKeyPath);
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Issues another client certificate (CN = <paramref name="user"/>, for <c>cert</c> authentication as that role)
    /// signed by the same CA; the key is written with mode 0600.
    /// </summary>
    public void IssueClientCertificate(string user, string certificatePath, string keyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(user);
        Issue(name.Build(), ClientAuthentication, certificatePath, keyPath);
    }

    private static X500DistinguishedName ServerName()
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName("localhost");
        return name.Build();
    }

    private static X509Certificate2 CreateAuthority(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName("Sharpgres");
        name.AddCommonName("Sharpgres TempServer CA");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private void Issue(X500DistinguishedName subject, Oid usage, string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (usage.Value == ServerAuthentication.Value)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        using var certificate = request.Create(authority, notBefore, notAfter, serial);
        Write(certificatePath, certificate.ExportCertificatePem(), PublicMode);
        Write(keyPath, key.ExportPkcs8PrivateKeyPem(), PrivateMode);
    }

    private static void Write(string path, string pem, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("TempServer runs PostgreSQL on Unix-like systems only.");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = PrivateMode };
        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
            writer.Write(pem.EndsWith('\n') ? pem : pem + "\n");
        File.SetUnixFileMode(path, mode); // explicit: the umask applies to UnixCreateMode
    }

    /// <summary>Releases the CA's private key held in memory; the files stay until their folder is deleted.</summary>
    public void Dispose() => authority.Dispose();
}
