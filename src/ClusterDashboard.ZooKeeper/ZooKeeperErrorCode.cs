namespace ClusterDashboard.ZooKeeper;

/// <summary>ZooKeeper's error codes, with the values the server sends (KeeperException.Code).</summary>
public enum ZooKeeperErrorCode
{
    Ok = 0,
    SystemError = -1,
    RuntimeInconsistency = -2,
    DataInconsistency = -3,

    /// <summary>The connection dropped before the reply: the request may or may not have been applied.</summary>
    ConnectionLoss = -4,
    MarshallingError = -5,
    Unimplemented = -6,
    OperationTimeout = -7,
    BadArguments = -8,
    UnknownSession = -12,
    NewConfigNoQuorum = -13,
    ReconfigInProgress = -14,
    ApiError = -100,
    NoNode = -101,
    NoAuth = -102,
    BadVersion = -103,
    NoChildrenForEphemerals = -108,
    NodeExists = -110,
    NotEmpty = -111,

    /// <summary>The session is gone: its ephemerals are deleted and its watches lost. Start a new session.</summary>
    SessionExpired = -112,
    InvalidCallback = -113,
    InvalidAcl = -114,
    AuthFailed = -115,
    SessionMoved = -118,
    NotReadOnly = -119,
    EphemeralOnLocalSession = -120,
    NoWatcher = -121,
    RequestTimeout = -122,
    ReconfigDisabled = -123,
    SessionClosedRequireSaslAuth = -124,
    QuotaExceeded = -125,
    Throttled = -127,

    /// <summary>Client-side: the client was closed by the application.</summary>
    ClientClosed = -10001,
}
