// TEMPORARY: stand-ins for the contracts being built on the conninfo/errors/auth branches. Deleted at merge.
namespace Sharpgres
{
    public enum SslMode { Disable, Allow, Prefer, Require, VerifyCA, VerifyFull }
    public enum ChannelBinding { Disable, Prefer, Require }
    public enum TargetSessionAttrs { Any, ReadWrite, ReadOnly, Primary, Standby, PreferStandby }
    public enum LoadBalanceHosts { Disable, Random }
    internal sealed record ConnectTarget(string Host, string? HostAddr, int Port, string? Password)
    {
        public bool IsUnixSocket => Host.StartsWith('/') || (HostAddr is null && Host.StartsWith('@'));
        public string SocketPath => $"{Host}/.s.PGSQL.{Port}";
    }
    internal sealed class ConnectionSettings
    {
        public IReadOnlyList<ConnectTarget> Targets { get; init; } = [];
        public string DbName { get; init; } = "";
        public string User { get; init; } = "";
        public string? ApplicationName { get; init; }
        public string? FallbackApplicationName { get; init; }
        public string? Options { get; init; }
        public string ClientEncoding { get; init; } = "UTF8";
        public SslMode SslMode { get; init; }
        public string? SslRootCert { get; init; }
        public string? SslCert { get; init; }
        public string? SslKey { get; init; }
        public string? SslPassword { get; init; }
        public ChannelBinding ChannelBinding { get; init; }
        public TimeSpan? ConnectTimeout { get; init; }
        public TargetSessionAttrs TargetSessionAttrs { get; init; }
        public LoadBalanceHosts LoadBalanceHosts { get; init; }
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }
    public sealed class ConnectionInfo
    {
        public static ConnectionInfo Empty { get; } = new();
        public static ConnectionInfo Parse(string s) => throw new NotImplementedException(s);
        public static ConnectionInfo FromDictionary(IEnumerable<KeyValuePair<string, string?>> v) => throw new NotImplementedException(v.ToString());
        public ConnectionInfo With(string k, string? v) => throw new NotImplementedException(k + v);
        public ConnectionInfo Merge(ConnectionInfo o) => throw new NotImplementedException(o.ToString());
        internal ConnectionSettings Resolve(Func<string, string?>? getEnv = null, string? home = null) => throw new NotImplementedException(getEnv + home);
    }
}
