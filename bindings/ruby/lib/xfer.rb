# lib/xfer.rb: the Ruby binding of libxfer: loads the SWIG extension Xfer::Native and the hand-written Xfer API on top of it.
# frozen_string_literal: true

require 'xfer/native'
require 'xfer/errors'
require 'xfer/extra_args'
require 'xfer/transfer'
require 'xfer/manager'

# S3 transfers (multipart uploads, parallel ranged downloads, copies, deletes) on libxfer's
# native thread pool. Start with Xfer::Manager.
module Xfer
  # The version of the libxfer loaded ("MAJOR.MINOR.PATCH").
  VERSION = Native.xfer_version
end
