// status_internal_test.go: the Status constants match libxfer's xfer_status values and names.

package xfer

import (
	"testing"

	"libxfer.dev/xfer/internal/cxfer"
)

func TestStatusMatchesC(t *testing.T) {
	for _, c := range []struct {
		s    Status
		c    cxfer.Enum_SS_xfer_status
		name string
	}{
		{StatusOK, cxfer.XFER_OK, "XFER_OK"},
		{StatusInvalid, cxfer.XFER_EINVAL, "XFER_EINVAL"},
		{StatusNoMemory, cxfer.XFER_ENOMEM, "XFER_ENOMEM"},
		{StatusIO, cxfer.XFER_EIO, "XFER_EIO"},
		{StatusNetwork, cxfer.XFER_ENETWORK, "XFER_ENETWORK"},
		{StatusService, cxfer.XFER_ESERVICE, "XFER_ESERVICE"},
		{StatusChecksum, cxfer.XFER_ECHECKSUM, "XFER_ECHECKSUM"},
		{StatusCancelled, cxfer.XFER_ECANCELLED, "XFER_ECANCELLED"},
		{StatusTimedOut, cxfer.XFER_ETIMEDOUT, "XFER_ETIMEDOUT"},
		{StatusState, cxfer.XFER_ESTATE, "XFER_ESTATE"},
		{StatusInternal, cxfer.XFER_EINTERNAL, "XFER_EINTERNAL"},
	} {
		if int(c.s) != int(c.c) {
			t.Errorf("%s: Go %d, C %d", c.name, int(c.s), int(c.c))
		}
		if got := c.s.String(); got == "" {
			t.Errorf("%s: empty String()", c.name)
		}
	}
	if v := Version(); v != cxfer.XFER_VERSION_STRING {
		t.Errorf("Version() %q, headers %q", v, cxfer.XFER_VERSION_STRING)
	}
}
