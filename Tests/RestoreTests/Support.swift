import Restore
