namespace Sharpgres.Testing;

/// <summary>
/// The server the test suite uses: one <see cref="TempServer"/> per process, started on first use (SCRAM auth, TLS
/// on, fsync off) and removed at process exit — unless <c>SHARPGRES_TEST_CONNINFO</c> names an existing server, in
/// which case no cluster is started and tests should use <see cref="ExternalConnectionString"/>.
/// </summary>
public static class TestServer
{
    /// <summary>The environment variable (<c>SHARPGRES_TEST_CONNINFO</c>) holding a superuser conninfo of an existing server to test against instead of a TempServer.</summary>
    public const string ConnInfoVariable = "SHARPGRES_TEST_CONNINFO";

    private static readonly Lazy<TempServer> SharedServer = new(
        () => TempServer.Start(new TempServerOptions
        {
            AuthMethod = AuthMethod.ScramSha256,
            Tls = true,
            // max_prepared_transactions: two-phase commit (conn.TpcPrepare) is refused by a server that allows none.
            Settings = { ["fsync"] = "off", ["max_prepared_transactions"] = "10" },
        }),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The value of <c>SHARPGRES_TEST_CONNINFO</c>, or null when unset or blank.</summary>
    public static string? ExternalConnectionString { get; } =
        Environment.GetEnvironmentVariable(ConnInfoVariable) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>True when the tests run against the server named by <c>SHARPGRES_TEST_CONNINFO</c>.</summary>
    public static bool IsExternal => ExternalConnectionString is not null;

    /// <summary>The process-wide temporary server. Throws when <see cref="IsExternal"/>.</summary>
    public static TempServer Shared => IsExternal
        ? throw new InvalidOperationException($"{ConnInfoVariable} is set: the tests use that server and no TempServer is started.")
        : SharedServer.Value;

    /// <summary>The external conninfo when <see cref="IsExternal"/>, else the shared server's (TCP, database postgres).</summary>
    public static string ConnectionString() => ExternalConnectionString ?? Shared.ConnectionString();
}
