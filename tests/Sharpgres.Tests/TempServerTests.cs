using System.Diagnostics;
using Sharpgres.Testing;
using Xunit.Abstractions;

namespace Sharpgres.Tests;

/// <summary>Runs the PostgreSQL client programs (pg_isready, psql) as external witnesses; no driver involved.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}; stdout: {StdOut.Trim()}; stderr: {StdErr.Trim()}";
    }

    public static Result Run(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            startInfo.Environment.Remove(name);
        startInfo.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            startInfo.Environment[key] = value;

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in 60 s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result PgIsReady(TempServer server, string host) =>
        Run(Path.Combine(server.BinDirectory, "pg_isready"), ["-h", host, "-p", server.Port.ToString(), "-t", "5"]);

    /// <summary>psql from the server's bin directory, else /usr/bin/psql, else PATH; null when absent.</summary>
    public static string? Psql(TempServer server) =>
        new[] { Path.Combine(server.BinDirectory, "psql"), "/usr/bin/psql" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "psql")))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs one statement with psql; returns the unaligned, tuples-only output.</summary>
    public static Result Query(string psql, string conninfo, string sql, string? password = null) =>
        Run(psql, ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
            password is null ? null : new Dictionary<string, string> { ["PGPASSWORD"] = password });

    public static string Owner(string path) => Run("stat", ["-c", "%U", path]).StdOut.Trim();

    public static bool Eventually(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                return false;
            Thread.Sleep(50);
        }
        return true;
    }

    public static bool ProcessAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}

public sealed class TempServerFixture : IDisposable
{
    // Quote, backslash and space: proves ConnectionString's quoting against a real libpq.
    public const string NastyPassword = @"it's a \secret";

    public TempServerFixture()
    {
        var stopwatch = Stopwatch.StartNew();
        Server = TempServer.Start(new TempServerOptions
        {
            Tls = true,
            Password = NastyPassword,
            ExtraHbaLines = { "hostssl certdb all 127.0.0.1/32 cert" },
        });
        StartTime = stopwatch.Elapsed;
    }

    public TempServer Server { get; }
    public TimeSpan StartTime { get; }

    public void Dispose() => Server.Dispose();
}

public sealed class TempServerTests(TempServerFixture fixture, ITestOutputHelper output) : IClassFixture<TempServerFixture>
{
    private TempServer Server => fixture.Server;

    [Fact]
    public void ReportsStartupTime()
    {
        output.WriteLine($"TempServer.Start: {fixture.StartTime.TotalMilliseconds:0} ms " +
                         $"(initdb {Server.InitDbDuration.TotalMilliseconds:0} ms, pg_ctl start {Server.StartDuration.TotalMilliseconds:0} ms), " +
                         $"PostgreSQL {Server.Version}, running as OS user '{Server.OsUser.Name}'");
        Assert.True(Server.InitDbDuration > TimeSpan.Zero);
    }

    [Fact]
    public void PgIsReady_AcceptsTcpAndUnixSocket()
    {
        Assert.True(Server.IsRunning);
        var tcp = Tools.PgIsReady(Server, Server.Host);
        Assert.True(tcp.ExitCode == 0, tcp.ToString());
        var socket = Tools.PgIsReady(Server, Server.SocketDirectory);
        Assert.True(socket.ExitCode == 0, socket.ToString());
        Assert.True(File.Exists(Path.Combine(Server.SocketDirectory, $".s.PGSQL.{Server.Port}")));
    }

    [Fact]
    public void Properties_DescribeTheCluster()
    {
        Assert.Equal("127.0.0.1", Server.Host);
        Assert.InRange(Server.Port, 1, 65535);
        Assert.Equal("postgres", Server.SuperUser);
        Assert.Equal(TempServerFixture.NastyPassword, Server.Password);
        Assert.Equal(AuthMethod.ScramSha256, Server.AuthMethod);
        Assert.StartsWith($"/tmp/sharpgres-pg-{Environment.ProcessId}-", Server.Directory);
        Assert.Equal(Path.Combine(Server.Directory, "data"), Server.DataDirectory);
        Assert.Equal(File.ReadAllText(Path.Combine(Server.DataDirectory, "PG_VERSION")).Trim(), Server.Version.ToString());
        Assert.True(Server.Version >= 10);
        Assert.True(File.Exists(Path.Combine(Server.BinDirectory, "initdb")));
        Assert.True(File.Exists(Server.LogFile));
        Assert.False(File.Exists(Path.Combine(Server.Directory, "pwfile")), "the password file is removed after initdb");

        Assert.Equal(
            $@"host=127.0.0.1 port={Server.Port} user=postgres password='it\'s a \\secret' dbname=postgres",
            Server.ConnectionString());
        Assert.Equal(
            $@"host={Server.SocketDirectory} port={Server.Port} user=postgres password='it\'s a \\secret' dbname='my db'",
            Server.ConnectionString("my db", unixSocket: true));
    }

    [Fact]
    public void TlsFiles_ExistAndKeysArePrivate()
    {
        string[] files = [Server.CaCertificatePath!, Server.ServerCertificatePath!, Server.ClientCertificatePath!, Server.ClientKeyPath!];
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        var serverKey = Server.ServerKeyPath!;
        Assert.True(File.Exists(serverKey));
        Assert.Equal(Path.Combine(Server.Directory, "tls", "server.key"), serverKey);

        if (OperatingSystem.IsWindows())
            return;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(serverKey));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Server.ClientKeyPath!));
        Assert.Equal(Server.OsUser.Name, Tools.Owner(serverKey));
        Assert.Equal(Environment.UserName, Tools.Owner(Server.ClientKeyPath!));
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(Server.ClientKeyPath!));
        Assert.Contains("BEGIN CERTIFICATE", File.ReadAllText(Server.CaCertificatePath!));
    }

    [Fact]
    public void Psql_ScramOverTcp()
    {
        if (Tools.Psql(Server) is not { } psql)
        {
            output.WriteLine("psql not found: skipped");
            return;
        }
        var conninfo = $"host={Server.Host} port={Server.Port} user={Server.SuperUser} dbname=postgres sslmode=disable";

        var ok = Tools.Query(psql, conninfo, "SELECT 1", Server.Password);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("1", ok.StdOut.Trim());

        var stored = Tools.Query(psql, conninfo,
            "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = current_user", Server.Password);
        Assert.Equal("t", stored.StdOut.Trim());

        var wrong = Tools.Query(psql, conninfo, "SELECT 1", "not the password");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("password authentication failed", wrong.StdErr);

        // The conninfo string, password quoting included, works as given.
        var whole = Tools.Query(psql, Server.ConnectionString(), "SELECT current_user");
        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.Equal("postgres", whole.StdOut.Trim());
    }

    [Fact]
    public void Psql_UnixSocketIsTrusted()
    {
        if (Tools.Psql(Server) is not { } psql)
            return;
        var result = Tools.Query(psql, $"host={Server.SocketDirectory} port={Server.Port} user=postgres dbname=postgres", "SELECT 2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("2", result.StdOut.Trim());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public void Psql_VerifyFullTls(string host)
    {
        if (Tools.Psql(Server) is not { } psql)
            return;
        var conninfo = $"host={host} port={Server.Port} user=postgres dbname=postgres sslmode=verify-full sslrootcert={Server.CaCertificatePath}";
        var result = Tools.Query(psql, conninfo, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Server.Password);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("t", result.StdOut.Trim());
    }

    [Fact]
    public void Psql_VerifyFullFailsAgainstAnotherCa()
    {
        if (Tools.Psql(Server) is not { } psql)
            return;
        // The server certificate is signed by our CA only; the system store must not accept it.
        var otherCa = Path.Combine(Path.GetTempPath(), $"sharpgres-other-ca-{Guid.NewGuid():N}.crt");
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=Other CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
            using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(otherCa, other.ExportCertificatePem());
        }
        try
        {
            var conninfo = $"host=localhost port={Server.Port} user=postgres dbname=postgres sslmode=verify-full sslrootcert={otherCa}";
            var result = Tools.Query(psql, conninfo, "SELECT 1", Server.Password);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("certificate verify failed", result.StdErr);
        }
        finally
        {
            File.Delete(otherCa);
        }
    }

    [Fact]
    public void Psql_ClientCertificateAuthentication()
    {
        if (Tools.Psql(Server) is not { } psql)
            return;
        var admin = Server.ConnectionString(unixSocket: true);
        var created = Tools.Query(psql, admin,
            "SELECT 1 FROM pg_database WHERE datname = 'certdb'").StdOut.Trim() == "1"
            ? null
            : Tools.Query(psql, admin, "CREATE DATABASE certdb");
        Assert.True(created is null || created.ExitCode == 0, created?.ToString());
        Tools.Query(psql, admin, "DROP ROLE IF EXISTS alice; CREATE ROLE alice LOGIN");

        // No password anywhere: the hba line for certdb is 'cert', so the client certificate (CN=postgres) is the credential.
        string CertConnInfo(string user, string cert, string key) =>
            $"host=127.0.0.1 port={Server.Port} user={user} dbname=certdb sslmode=verify-full sslrootcert={Server.CaCertificatePath} sslcert={cert} sslkey={key}";
        var asPostgres = Tools.Query(psql, CertConnInfo("postgres", Server.ClientCertificatePath!, Server.ClientKeyPath!), "SELECT current_user");
        Assert.True(asPostgres.ExitCode == 0, asPostgres.ToString());
        Assert.Equal("postgres", asPostgres.StdOut.Trim());

        var (aliceCert, aliceKey) = Server.IssueClientCertificate("alice");
        var asAlice = Tools.Query(psql, CertConnInfo("alice", aliceCert, aliceKey), "SELECT current_user");
        Assert.True(asAlice.ExitCode == 0, asAlice.ToString());
        Assert.Equal("alice", asAlice.StdOut.Trim());

        // alice's certificate does not let her in as postgres.
        var impostor = Tools.Query(psql, CertConnInfo("postgres", aliceCert, aliceKey), "SELECT current_user");
        Assert.NotEqual(0, impostor.ExitCode);
    }
}

public sealed class TempServerLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public void StopStartRestart_KeepThePort()
    {
        using var server = TempServer.Start();
        var port = server.Port;
        var firstPid = File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First();

        var stopwatch = Stopwatch.StartNew();
        server.Stop();
        output.WriteLine($"Stop: {stopwatch.ElapsedMilliseconds} ms");
        Assert.False(server.IsRunning);
        var down = Tools.PgIsReady(server, server.Host);
        Assert.True(down.ExitCode != 0, down.ToString());
        server.Stop(); // no-op

        stopwatch.Restart();
        server.Start();
        output.WriteLine($"Start again: {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal(0, Tools.PgIsReady(server, server.Host).ExitCode);
        server.Start(); // no-op

        stopwatch.Restart();
        server.Restart();
        output.WriteLine($"Restart: {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(0, Tools.PgIsReady(server, server.SocketDirectory).ExitCode);
        Assert.NotEqual(firstPid, File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First());
    }

    [Fact]
    public async Task Dispose_StopsAndRemovesTheDirectory_Idempotently()
    {
        var server = await TempServer.StartAsync();
        var directory = server.Directory;
        var pid = int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First());
        Assert.True(Directory.Exists(directory));

        var stopwatch = Stopwatch.StartNew();
        await server.DisposeAsync();
        output.WriteLine($"Dispose: {stopwatch.ElapsedMilliseconds} ms");
        Assert.False(Directory.Exists(directory));
        Assert.False(Tools.ProcessAlive(pid));
        server.Dispose();
        await server.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => server.Start());
    }

    [Fact]
    public void Start_RemovesStaleDirectoriesOfDeadProcessesOnly()
    {
        const int deadPid = 999999; // above any Linux pid_max default (and this machine's)
        Assert.False(Tools.ProcessAlive(deadPid));
        var stale = "/tmp/sharpgres-pg-999999-test";
        var live = $"/tmp/sharpgres-pg-1-test-{Guid.NewGuid():N}"; // pid 1 is always alive
        Directory.CreateDirectory(Path.Combine(stale, "data"));
        File.WriteAllText(Path.Combine(stale, "dummy"), "left behind by a crashed run");
        Directory.CreateDirectory(live);
        try
        {
            using var server = TempServer.Start();
            Assert.True(Tools.Eventually(() => !Directory.Exists(stale)));
            Assert.True(Directory.Exists(live));
        }
        finally
        {
            Directory.Delete(live, recursive: true);
            if (Directory.Exists(stale))
                Directory.Delete(stale, recursive: true);
        }
    }

    [Fact]
    public void Start_KillsThePostmasterOfAStaleCluster()
    {
        // Simulate a crashed run: a running cluster whose directory names a dead process.
        var orphan = TempServer.Start();
        var postmaster = int.Parse(File.ReadLines(Path.Combine(orphan.DataDirectory, "postmaster.pid")).First());
        var moved = $"/tmp/sharpgres-pg-999998-{Guid.NewGuid():N}";
        Directory.Move(orphan.Directory, moved);
        try
        {
            Assert.True(Tools.ProcessAlive(postmaster));
            using var server = TempServer.Start();
            // Another test's Start, running in parallel, may be the one cleaning it: allow it to finish.
            Assert.True(Tools.Eventually(() => !Directory.Exists(moved) && !Tools.ProcessAlive(postmaster)));
        }
        finally
        {
            orphan.Dispose(); // its directory is gone: must not throw
            if (Directory.Exists(moved))
                Directory.Delete(moved, recursive: true);
        }
    }

    [Fact]
    public void Start_FailureReportsCommandAndLog_AndCleansUp()
    {
        var error = Assert.Throws<TempServerException>(() => TempServer.Start(new TempServerOptions
        {
            Settings = { ["shared_buffers"] = "lots" },
        }));
        output.WriteLine(error.Message);
        Assert.Contains("pg_ctl", error.Message);
        Assert.Contains("Exit code: 1", error.Message);
        Assert.Contains("invalid value for parameter \"shared_buffers\"", error.Message); // from the server log's tail
        var directory = System.Text.RegularExpressions.Regex.Match(error.Message, @"/tmp/sharpgres-pg-\d+-[0-9a-f]+").Value;
        Assert.NotEmpty(directory);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Start_OnATakenPort_FailsWithTheBindError()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        // An explicit port is not retried; a picked one is, on exactly this log message.
        var error = Assert.Throws<TempServerException>(() => TempServer.Start(new TempServerOptions { Port = port }));
        Assert.Contains("Address already in use", error.Message);
    }

    [Fact]
    public void Binaries_AreFoundOrExplained()
    {
        Assert.NotNull(PostgresBinaries.TryFind());
        var error = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Find("/nonexistent/bin"));
        Assert.Contains("/nonexistent/bin", error.Message);
    }

    [Fact]
    public void TestServer_SharedIsOnePerProcess()
    {
        if (TestServer.IsExternal)
        {
            Assert.Equal(TestServer.ExternalConnectionString, TestServer.ConnectionString());
            return;
        }
        var shared = TestServer.Shared;
        Assert.Same(shared, TestServer.Shared);
        Assert.True(shared.IsRunning);
        Assert.True(shared.Tls);
        Assert.Equal(AuthMethod.ScramSha256, shared.AuthMethod);
        Assert.Equal(shared.ConnectionString(), TestServer.ConnectionString());
        Assert.Equal(0, Tools.PgIsReady(shared, shared.Host).ExitCode);
    }
}

public sealed class TempServerAuthTests
{
    [Theory]
    [InlineData(AuthMethod.Trust)]
    [InlineData(AuthMethod.Password)]
    [InlineData(AuthMethod.Md5)]
    [InlineData(AuthMethod.ScramSha256)]
    public void Psql_AuthMethod(AuthMethod method)
    {
        using var server = TempServer.Start(new TempServerOptions { AuthMethod = method, SuperUser = "boss" });
        Assert.Contains($"127.0.0.1/32   {server.AuthMethod switch { AuthMethod.ScramSha256 => "scram-sha-256", var m => m.ToString().ToLowerInvariant() }}",
            File.ReadAllText(Path.Combine(server.DataDirectory, "pg_hba.conf")));
        if (Tools.Psql(server) is not { } psql)
            return;
        var conninfo = $"host=127.0.0.1 port={server.Port} user=boss dbname=postgres sslmode=disable";
        var ok = Tools.Query(psql, conninfo, "SELECT current_user", server.Password);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("boss", ok.StdOut.Trim());

        var wrong = Tools.Query(psql, conninfo, "SELECT 1", "wrong");
        if (method == AuthMethod.Trust)
            Assert.Equal(0, wrong.ExitCode);
        else
            Assert.Contains("password authentication failed", wrong.StdErr);
    }
}
