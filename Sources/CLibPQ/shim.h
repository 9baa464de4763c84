#ifndef HOLDFAST_CLIBPQ_SHIM_H
#define HOLDFAST_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#endif
