"""Stage 5, mail: each patient's pack emailed once, the personal documents locked.

`emailing.email_appointments` builds what is missing and hands the packs to
`delivery.deliver`, which renders each message (`messages`), locks personal documents
(`encrypt`), records every send in a ledger (`ledger`) and sends through a transport
(`transports`: an outbox folder or SMTP).
"""
