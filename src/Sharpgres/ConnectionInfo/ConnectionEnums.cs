namespace Sharpgres;

/// <summary>libpq's <c>sslmode</c>: whether and how TLS is negotiated.</summary>
public enum SslMode { Disable, Allow, Prefer, Require, VerifyCA, VerifyFull }

/// <summary>libpq's <c>channel_binding</c>: use of SCRAM channel binding.</summary>
public enum ChannelBinding { Disable, Prefer, Require }

/// <summary>libpq's <c>target_session_attrs</c>: which kind of server is acceptable.</summary>
public enum TargetSessionAttrs { Any, ReadWrite, ReadOnly, Primary, Standby, PreferStandby }

/// <summary>libpq's <c>load_balance_hosts</c>: order in which the hosts are tried.</summary>
public enum LoadBalanceHosts { Disable, Random }
