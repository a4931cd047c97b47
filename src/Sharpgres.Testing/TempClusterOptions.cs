namespace Sharpgres.Testing;

/// <summary>How a <see cref="TempCluster"/> is set up. Every property has a usable default.</summary>
public sealed class TempClusterOptions
{
    /// <summary>
    /// The pg_hba.conf method for TCP connections on every node. Trust by default: failover and load-balancing tests
    /// open many connections, and a SCRAM exchange per connect would be most of their cost.
    /// </summary>
    public AuthMethod AuthMethod { get; set; } = AuthMethod.Trust;

    /// <summary>Extra postgresql.conf settings for every node, written after (so overriding) the defaults.</summary>
    public IDictionary<string, string> Settings { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// Makes the first standby synchronous (<c>synchronous_standby_names = 'FIRST 1 (node1)'</c>) with
    /// <c>synchronous_commit = remote_apply</c> on the primary: a COMMIT returns only once node1 has applied it, so
    /// promoting node1 loses no commit a client saw succeed.
    /// </summary>
    public bool SynchronousStandby { get; set; }

    /// <summary>Name of the bootstrap superuser.</summary>
    public string SuperUser { get; set; } = "postgres";

    /// <summary>The superuser's password; null picks a random one.</summary>
    public string? Password { get; set; }

    /// <summary>Directory holding initdb, pg_ctl, postgres and pg_basebackup; null searches for them.</summary>
    public string? BinDirectory { get; set; }
}
