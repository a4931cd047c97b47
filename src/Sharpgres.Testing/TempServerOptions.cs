namespace Sharpgres.Testing;

/// <summary>How a <see cref="TempServer"/> is set up. Every property has a usable default.</summary>
public sealed class TempServerOptions
{
    /// <summary>The method pg_hba.conf asks of TCP connections. Unix-socket connections are always <c>trust</c>.</summary>
    public AuthMethod AuthMethod { get; set; } = AuthMethod.ScramSha256;

    /// <summary>Generate a CA, server and client certificate and turn <c>ssl</c> on.</summary>
    public bool Tls { get; set; }

    /// <summary>Extra postgresql.conf settings, written after (so overriding) the defaults. Values are quoted for you.</summary>
    public IDictionary<string, string> Settings { get; set; } = new Dictionary<string, string>();

    /// <summary>pg_hba.conf lines placed before the default lines, so they take precedence.</summary>
    public IList<string> ExtraHbaLines { get; set; } = new List<string>();

    /// <summary>Name of the bootstrap superuser (<c>initdb -U</c>).</summary>
    public string SuperUser { get; set; } = "postgres";

    /// <summary>The superuser's password; null picks a random one (see <see cref="TempServer.Password"/>).</summary>
    public string? Password { get; set; }

    /// <summary>TCP port; null picks a free one (and retries with another if it is taken before the server binds it).</summary>
    public int? Port { get; set; }

    /// <summary>Directory holding initdb, pg_ctl and postgres; null searches for them (see <see cref="PostgresBinaries"/>).</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Copy the data directory of one initdb per process instead of running initdb (see <see cref="InitDbTemplates"/>).</summary>
    internal bool ShareInitDb { get; set; }
}
