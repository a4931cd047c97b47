using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Sharpgres.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests, samples and benchmarks: initdb into
/// <c>/tmp/sharpgres-pg-&lt;pid&gt;-&lt;random&gt;/</c>, started with pg_ctl on a free loopback port and a private socket
/// directory, deleted on <see cref="Dispose"/> (or at process exit, or by the next run's
/// <see cref="StaleClusterCleaner"/> if the process died). Run as root, the cluster is owned by and runs as an
/// unprivileged user (see <see cref="ServerUser"/>).
/// </summary>
public sealed partial class TempServer : IDisposable, IAsyncDisposable
{
    /// <summary>The loopback address the server listens on (<c>listen_addresses</c>) and the host its connection strings name.</summary>
    public const string DefaultHost = "127.0.0.1";

    private const int PgCtlWaitSeconds = 60;
    private const int PortAttempts = 5;
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(PgCtlWaitSeconds + 30);
    private static readonly ConcurrentDictionary<TempServer, byte> Live = new();

    private readonly ClusterFiles files;
    private readonly TempServerOptions options;
    private readonly TlsCertificates? tls;
    private readonly SemaphoreSlim gate = new(1, 1);
    private int? postmasterPid;
    private int disposed;

    // Kept in a field: a collected registration unregisters itself.
    private static readonly PosixSignalRegistration? TerminationRegistration;

    static TempServer()
    {
        // A test run that exits without disposing still removes its clusters.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
        // Since .NET 10 the runtime no longer turns SIGTERM into ProcessExit (the process just dies), and SIGTERM is
        // how CI runners, `timeout` and test hosts stop a run. The handler does not cancel the signal: the default
        // action (termination) follows once the clusters are gone.
        if (!OperatingSystem.IsWindows() && !OperatingSystem.IsBrowser() && !OperatingSystem.IsIOS() && !OperatingSystem.IsTvOS() && !OperatingSystem.IsAndroid())
            TerminationRegistration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => DisposeAll());
    }

    private static void DisposeAll()
    {
        var servers = Live.Keys.ToList();
        // The host may kill this process at any moment now (dotnet test allows ~100 ms): first tell every postmaster
        // to shut down (instantaneous), and hand the deletions to detached shells; then do the same synchronously.
        foreach (var server in servers)
        {
            var pid = Postmaster.LivePid(server.DataDirectory) ?? server.LiveRememberedPid();
            if (pid is not null)
                Postmaster.SignalImmediateShutdown(pid.Value);
            DetachedDeleter.Schedule(server.Directory, pid);
        }
        foreach (var server in servers)
            server.Dispose();
    }

    private TempServer(ClusterFiles files, TempServerOptions options, string binDirectory, ServerUser user, string password, TlsCertificates? tls)
    {
        this.files = files;
        this.options = options;
        this.tls = tls;
        BinDirectory = binDirectory;
        OsUser = user;
        Password = password;
    }

    /// <summary>Always <c>127.0.0.1</c>: the server listens on IPv4 loopback only.</summary>
    public string Host => DefaultHost;

    /// <summary>The TCP port the postmaster listens on: a free loopback port picked at start (or <see cref="TempServerOptions.Port"/>), kept across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The directory of the server's Unix socket; use it as <c>host</c> for a socket connection.</summary>
    public string SocketDirectory => files.SocketDirectory;

    /// <summary>The bootstrap superuser role initdb created (<c>initdb -U</c>), <c>postgres</c> unless the options name another.</summary>
    public string SuperUser => options.SuperUser;

    /// <summary>The superuser's password (the one from the options, else a random one).</summary>
    public string Password { get; }

    /// <summary>The authentication method pg_hba.conf requires for TCP connections (scram-sha-256, md5, password, trust or cert).</summary>
    public AuthMethod AuthMethod => options.AuthMethod;

    /// <summary>The cluster's root: data, socket, tls directories and the log. Deleted on dispose.</summary>
    public string Directory => files.Root;

    /// <summary>The cluster's data directory (PGDATA): postgresql.conf, pg_hba.conf and postmaster.pid live here.</summary>
    public string DataDirectory => files.DataDirectory;
    /// <summary>The folder of the PostgreSQL server programs used (initdb, pg_ctl, postgres), found by <see cref="PostgresBinaries"/>.</summary>
    public string BinDirectory { get; }

    /// <summary>The server's major version, from <c>PG_VERSION</c>.</summary>
    public int Version { get; private set; }

    /// <summary>The server's log (pg_ctl -l).</summary>
    public string LogFile => files.LogFile;

    /// <summary>The OS user the server runs as.</summary>
    public ServerUser OsUser { get; }

    /// <summary>Whether the server was started with <c>ssl = on</c> and a certificate from a throwaway CA (<see cref="TempServerOptions.Tls"/>).</summary>
    public bool Tls => tls is not null;
    /// <summary>The throwaway CA's certificate (PEM) that signed the server and client certificates: the <c>sslrootcert</c> for <c>sslmode=verify-full</c>; null without TLS.</summary>
    public string? CaCertificatePath => tls?.CaCertificatePath;
    /// <summary>The server's certificate (PEM, for localhost, 127.0.0.1 and ::1), the server's <c>ssl_cert_file</c>; null without TLS.</summary>
    public string? ServerCertificatePath => tls?.ServerCertificatePath;

    /// <summary>The server's key (mode 0600, owned by <see cref="OsUser"/>, as postgres requires).</summary>
    public string? ServerKeyPath => tls?.ServerKeyPath;

    /// <summary>A client certificate with CN = <see cref="SuperUser"/>, signed by the CA (for <c>cert</c> auth).</summary>
    public string? ClientCertificatePath => tls?.ClientCertificatePath;

    /// <summary>The client certificate's key (PKCS#8 PEM, mode 0600, owned by this process's user).</summary>
    public string? ClientKeyPath => tls?.ClientKeyPath;

    /// <summary>How long initdb took.</summary>
    public TimeSpan InitDbDuration { get; private set; }

    /// <summary>How long the last pg_ctl start (until the server accepted connections) took.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>Whether the postmaster recorded in <c>postmaster.pid</c> is alive.</summary>
    public bool IsRunning => Postmaster.LivePid(DataDirectory) is not null;

    /// <summary>Creates, initializes and starts a new cluster.</summary>
    public static TempServer Start(TempServerOptions? options = null) =>
        StartAsync(options, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Creates, initializes (initdb) and starts a new cluster with the default options; cancelling stops and deletes a half-made cluster.</summary>
    public static Task<TempServer> StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <summary>Creates, initializes (initdb) and starts a new cluster with <paramref name="options"/>, without blocking a thread; cancelling stops and deletes a half-made cluster.</summary>
    public static async Task<TempServer> StartAsync(TempServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("TempServer runs PostgreSQL on Unix-like systems only.");
        options = Validate(options ?? new TempServerOptions());
        var binDirectory = PostgresBinaries.Find(options.BinDirectory);
        var baseDirectory = System.IO.Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        StaleClusterCleaner.Clean(baseDirectory);
        var user = ServerUser.ForCurrentProcess();
        var password = options.Password ?? RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24);

        var files = ClusterFiles.Create(baseDirectory);
        TempServer? server = null;
        TlsCertificates? tls = null;
        try
        {
            if (options.Tls)
            {
                tls = TlsCertificates.Create(files.TlsDirectory, options.SuperUser);
                File.SetUnixFileMode(files.TlsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            server = new TempServer(files, options, binDirectory, user, password, tls);
            await server.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await server.FirstStartAsync(cancellationToken).ConfigureAwait(false);
            Live.TryAdd(server, 0);
            return server;
        }
        catch
        {
            if (server is not null)
                server.Dispose();
            else
            {
                tls?.Dispose();
                TryDelete(files.Root);
            }
            throw;
        }
    }

    private static TempServerOptions Validate(TempServerOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.SuperUser, "options.SuperUser");
        if (options.Password is { } password && (password.Length == 0 || password.Contains('\n') || password.Contains('\r')))
            throw new ArgumentException("The password must be non-empty and on one line.", nameof(options));
        if (options.Port is { } port && port is <= 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(options), port, "Port must be between 1 and 65535.");
        // Copy, so later changes to the caller's object do not affect a running server.
        return new TempServerOptions
        {
            AuthMethod = options.AuthMethod,
            Tls = options.Tls,
            Settings = new Dictionary<string, string>(options.Settings),
            ExtraHbaLines = options.ExtraHbaLines.ToList(),
            SuperUser = options.SuperUser,
            Password = options.Password,
            Port = options.Port,
            BinDirectory = options.BinDirectory,
            ShareInitDb = options.ShareInitDb,
        };
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        files.WritePasswordFile(Password);
        var owned = new List<string> { files.Root, files.DataDirectory, files.SocketDirectory, files.PasswordFile };
        if (tls is not null)
            owned.AddRange([tls.Directory, tls.CaCertificatePath, tls.ServerCertificatePath, tls.ServerKeyPath]);
        OsUser.Own([.. owned]);

        var stopwatch = Stopwatch.StartNew();
        Task InitDbAsync() =>
            RunServerCommandAsync("initdb", [
                "-D", DataDirectory,
                "-U", SuperUser,
            $"--pwfile={files.PasswordFile}",
                "--auth-local=trust",
            $"--auth-host={AuthMethod.ToHbaMethod()}",
                "-E", "UTF8",
                "--locale=C",
                "--no-sync",
            ], InitDbTimeout, cancellationToken);
        if (options.ShareInitDb)
            await InitDbTemplates.FillAsync((BinDirectory, SuperUser, Password), DataDirectory, Path.GetDirectoryName(files.Root)!, InitDbAsync, cancellationToken).ConfigureAwait(false);
        else
            await InitDbAsync().ConfigureAwait(false);
        InitDbDuration = stopwatch.Elapsed;
        files.DeletePasswordFile();

        var versionText = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "PG_VERSION"), cancellationToken).ConfigureAwait(false)).Trim();
        Version = int.Parse(versionText.Split('.')[0], CultureInfo.InvariantCulture);

        OsUser.Own(files.WriteHba(HbaFile.Build(AuthMethod, options.ExtraHbaLines)));
    }

    private async Task FirstStartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = options.Port ?? FreePort();
            OsUser.Own(files.WriteSettings(files.Settings(Port, tls, options.Settings)));
            var logLength = LogLength();
            try
            {
                await PgCtlStartAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TempServerException) when (options.Port is null && attempt < PortAttempts && PortClash(logLength))
            {
                // Someone took the port between our probe and the server's bind: try another one.
            }
        }
    }

    /// <summary>Starts the stopped server again, on the same port. A no-op when it is running.</summary>
    public void Start() => WithGate(ct => StartCoreAsync(ct), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>, waiting). A no-op when it is not running.</summary>
    public void Stop() => StopAsync().GetAwaiter().GetResult();

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>: open sessions are disconnected, transactions rolled back); a no-op when it is not running.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        WithGate(ct => StopCoreAsync("fast", ct), cancellationToken);

    /// <summary>Stops (if running) and starts the server, on the same port.</summary>
    public void Restart() => RestartAsync().GetAwaiter().GetResult();

    /// <summary>Stops (if running) and starts the server, on the same port; also the way to start a stopped server asynchronously.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        WithGate(async ct =>
        {
            await StopCoreAsync("fast", ct).ConfigureAwait(false);
            await StartCoreAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// A libpq conninfo string for the superuser, e.g.
    /// <c>host=127.0.0.1 port=54321 user=postgres password='...' dbname=postgres</c>; with
    /// <paramref name="unixSocket"/>, <c>host</c> is the socket directory.
    /// </summary>
    public string ConnectionString(string database = "postgres", bool unixSocket = false) =>
        $"host={ConnInfo.Value(unixSocket ? SocketDirectory : Host)} port={Port.ToString(CultureInfo.InvariantCulture)} " +
        $"user={ConnInfo.Value(SuperUser)} password={ConnInfo.Value(Password, alwaysQuote: true)} dbname={ConnInfo.Value(database)}";

    /// <summary>
    /// Issues a client certificate for <paramref name="user"/> (CN = user) signed by this server's CA, for <c>cert</c>
    /// authentication as another role. Returns the certificate and key paths (key mode 0600).
    /// </summary>
    public (string CertificatePath, string KeyPath) IssueClientCertificate(string user)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (tls is null)
            throw new InvalidOperationException("This server was started without TempServerOptions.Tls.");
        var stem = "client-" + new string(user.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray())
            + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var certificate = Path.Combine(tls.Directory, stem + ".crt");
        var key = Path.Combine(tls.Directory, stem + ".key");
        tls.IssueClientCertificate(user, certificate, key);
        return (certificate, key);
    }

    /// <summary>
    /// Stops the server with an immediate shutdown (SIGQUIT to the postmaster, as <c>pg_ctl stop -m immediate</c>;
    /// pg_ctl itself is the fallback) and deletes its directory. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        Live.TryRemove(this, out _);
        // Don't wait forever for a lifecycle call in progress on another thread (e.g. at process exit).
        var entered = gate.Wait(TimeSpan.FromSeconds(PgCtlWaitSeconds + 5));
        try
        {
            if ((Postmaster.LivePid(DataDirectory) ?? LiveRememberedPid()) is { } pid)
            {
                // What pg_ctl stop -m immediate does (SIGQUIT), minus spawning runuser and pg_ctl: at process exit the
                // test host may be killed any moment, and the server must be told first.
                if (!(Postmaster.SignalImmediateShutdown(pid) && Postmaster.WaitForExit(pid, TimeSpan.FromSeconds(PgCtlWaitSeconds))))
                {
                    try
                    {
                        StopCoreAsync("immediate", CancellationToken.None).GetAwaiter().GetResult();
                    }
                    catch (TempServerException)
                    {
                        // pg_ctl failed too (directory gone, timed out...): last resort below.
                    }
                    Postmaster.Kill(pid, TimeSpan.FromSeconds(5));
                }
            }
            tls?.Dispose();
            TryDelete(files.Root);
        }
        finally
        {
            if (entered)
                gate.Release();
        }
    }

    /// <summary>Stops the server and deletes its folder on a worker thread (see <see cref="Dispose"/>).</summary>
    public ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref disposed) != 0)
            return ValueTask.CompletedTask;
        return new ValueTask(Task.Run(Dispose));
    }

    /// <summary>The server's version, address and folder, for test logs.</summary>
    public override string ToString() => $"TempServer PostgreSQL {Version} on {Host}:{Port} ({Directory})";

    private int? LiveRememberedPid() =>
        postmasterPid is { } pid && Postmaster.IsAlive(pid) && Postmaster.LooksLikePostgres(pid) ? pid : null;

    private async Task WithGate(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
            await action(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning)
            await PgCtlStartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PgCtlStartAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await RunServerCommandAsync("pg_ctl", [
            "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", PgCtlWaitSeconds.ToString(CultureInfo.InvariantCulture), "-s",
        ], PgCtlTimeout, cancellationToken).ConfigureAwait(false);
        StartDuration = stopwatch.Elapsed;
        postmasterPid = Postmaster.ReadPid(DataDirectory);
    }

    private async Task StopCoreAsync(string mode, CancellationToken cancellationToken)
    {
        if (!IsRunning)
            return;
        await RunServerCommandAsync("pg_ctl", [
            "stop", "-D", DataDirectory, "-m", mode, "-w", "-t", PgCtlWaitSeconds.ToString(CultureInfo.InvariantCulture), "-s",
        ], PgCtlTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a server program as <see cref="OsUser"/>; a failure throws with the command, exit code, stderr and the log's tail.</summary>
    private async Task RunServerCommandAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (fileName, wrapped) = OsUser.Wrap(PostgresBinaries.Program(BinDirectory, program), arguments);
        CommandResult result;
        try
        {
            // The working directory must be readable by the server user (root's home is not).
            result = await CommandRunner.RunAsync(fileName, wrapped, timeout, cancellationToken, files.Root).ConfigureAwait(false);
        }
        catch (TempServerException e)
        {
            throw new TempServerException($"{e.Message}{LogTail()}", e);
        }
        if (!result.Succeeded)
            throw new TempServerException($"{program} failed for the temporary cluster in {Directory}.{Environment.NewLine}{result.Describe()}{LogTail()}");
    }

    private string LogTail(int lines = 30)
    {
        try
        {
            if (!File.Exists(LogFile))
                return $"{Environment.NewLine}(no server log at {LogFile})";
            var tail = File.ReadLines(LogFile).TakeLast(lines).ToList();
            return $"{Environment.NewLine}Server log {LogFile}, last {tail.Count} lines:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{Environment.NewLine}(could not read the server log {LogFile}: {e.Message})";
        }
    }

    private long LogLength() => File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;

    private bool PortClash(long logOffset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(logOffset, SeekOrigin.Begin);
            var text = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
            return text.Contains("could not bind", StringComparison.Ordinal)
                || text.Contains("Address already in use", StringComparison.Ordinal)
                || text.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void TryDelete(string directory)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(directory))
                    System.IO.Directory.Delete(directory, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A backend may still be writing while it exits; try again shortly.
                Thread.Sleep(100);
            }
        }
    }
}
