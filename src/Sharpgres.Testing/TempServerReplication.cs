using System.Globalization;

namespace Sharpgres.Testing;

/// <summary>What a <see cref="TempCluster"/> needs of its nodes: made by pg_basebackup, stopped or killed, promoted.</summary>
public sealed partial class TempServer
{
    /// <summary>
    /// A hot standby of <paramref name="primary"/>: <c>pg_basebackup -R -X stream -C -S name</c> over the primary's Unix
    /// socket (trust), so <c>primary_conninfo</c> (with <c>application_name=name</c>, what synchronous_standby_names
    /// matches) and the replication slot come from the backup itself; then started on a port of its own.
    /// </summary>
    internal static async Task<TempServer> StartStandbyAsync(TempServer primary, string name, TempServerOptions options, CancellationToken cancellationToken)
    {
        options = Validate(options);
        var files = ClusterFiles.Create(Path.GetDirectoryName(primary.Directory)!);
        var server = new TempServer(files, options, primary.BinDirectory, primary.OsUser, primary.Password, tls: null) { NodeName = name };
        try
        {
            server.OsUser.Own(files.Root, files.DataDirectory, files.SocketDirectory);
            await server.RunServerCommandAsync("pg_basebackup", [
                "-D", files.DataDirectory,
                "-d", $"host={primary.SocketDirectory} port={primary.Port.ToString(CultureInfo.InvariantCulture)} user={primary.SuperUser} application_name={name}",
                "-R", "-X", "stream", "-C", "-S", name, "-c", "fast", "--no-sync",
            ], InitDbTimeout, cancellationToken).ConfigureAwait(false);
            server.Version = primary.Version;
            await server.FirstStartAsync(cancellationToken).ConfigureAwait(false);
            Live.TryAdd(server, 0);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The node's name in a <see cref="TempCluster"/> (its application_name and slot name), else null.</summary>
    public string? NodeName { get; internal set; }

    /// <summary>Stops the server with the given pg_ctl mode, waiting until it is down. A no-op when it is not running.</summary>
    public void Stop(ShutdownMode mode) => StopAsync(mode).GetAwaiter().GetResult();

    /// <summary>Stops the server with the given pg_ctl mode, waiting until it is down. A no-op when it is not running.</summary>
    public Task StopAsync(ShutdownMode mode, CancellationToken cancellationToken = default) =>
        WithGate(ct => StopCoreAsync(mode.ToString().ToLowerInvariant(), ct), cancellationToken);

    /// <summary>
    /// SIGKILL to the postmaster, as when the machine's OOM killer picks it: no shutdown of any kind. Its backends
    /// notice the postmaster's death and end their sessions (FATAL 57P01 "unexpected postmaster exit"). Returns once
    /// the postmaster is gone. A no-op when it is not running.
    /// </summary>
    public void Kill()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        gate.Wait();
        try
        {
            if (Postmaster.LivePid(DataDirectory) is not { } pid) return;
            if (!Postmaster.SignalKill(pid) || !Postmaster.WaitForExit(pid, TimeSpan.FromSeconds(PgCtlWaitSeconds)))
                throw new TempServerException($"could not SIGKILL the postmaster {pid} of {Directory}");
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><c>pg_ctl promote -w</c>: ends recovery and waits until the server is out of it (accepts writes).</summary>
    internal Task PromoteAsync(CancellationToken cancellationToken) =>
        WithGate(ct => RunServerCommandAsync("pg_ctl", [
            "promote", "-D", DataDirectory, "-w", "-t", PgCtlWaitSeconds.ToString(CultureInfo.InvariantCulture), "-s",
        ], PgCtlTimeout, ct), cancellationToken);

    /// <summary>
    /// Points this standby at another primary (after a promotion): rewrites primary_conninfo and primary_slot_name in
    /// postgresql.auto.conf (where pg_basebackup -R put them) and reloads; recovery_target_timeline=latest (the
    /// default) makes it follow the new timeline.
    /// </summary>
    internal Task FollowAsync(TempServer primary, CancellationToken cancellationToken) =>
        WithGate(async ct =>
        {
            var autoConf = Path.Combine(DataDirectory, "postgresql.auto.conf");
            var kept = File.ReadAllLines(autoConf)
                .Where(l => !l.StartsWith("primary_conninfo", StringComparison.Ordinal) && !l.StartsWith("primary_slot_name", StringComparison.Ordinal));
            var conninfo = $"host={primary.SocketDirectory} port={primary.Port.ToString(CultureInfo.InvariantCulture)} user={primary.SuperUser} application_name={NodeName}";
            File.WriteAllLines(autoConf, [.. kept, $"primary_conninfo = {ClusterFiles.QuoteSetting(conninfo)}", $"primary_slot_name = {ClusterFiles.QuoteSetting(NodeName!)}"]);
            OsUser.Own(autoConf);
            await RunServerCommandAsync("pg_ctl", ["reload", "-D", DataDirectory, "-s"], PgCtlTimeout, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>A superuser connection over the Unix socket (trust), for setting things up.</summary>
    internal Task<Connection> AdminAsync(CancellationToken cancellationToken) =>
        Pg.ConnectAsync(ConnectionString(unixSocket: true) + " connect_timeout=60", autocommit: true, cancellationToken: cancellationToken);
}
