/** Certificates through the real SDK client, with certificates made by openssl. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateEndpointCommand,
  DeleteCertificateCommand,
  DescribeCertificatesCommand,
  ImportCertificateCommand,
  InvalidCertificateFault,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyEndpointCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  paginateDescribeCertificates,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const errorName = (e: unknown): string | undefined => (e as { name?: string }).name;

describe('certificates', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let dir: string;
  let rsaPem: string;
  let ecPem: string;
  let keyPem: string;
  before(async () => {
    server = await startTestServer();
    dms = server.client();
    dir = mkdtempSync(join(tmpdir(), 'opendms-certs-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl('req', '-x509', '-newkey', 'rsa:3072', '-sha384', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.pem', '-days', '90', '-subj', '/CN=opendms-rsa-ca');
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.key');
    openssl('req', '-x509', '-new', '-key', 'ec.key', '-sha256', '-out', 'ec.pem', '-days', '10', '-subj', '/CN=opendms-ec-ca');
    rsaPem = readFileSync(join(dir, 'rsa.pem'), 'utf8');
    ecPem = readFileSync(join(dir, 'ec.pem'), 'utf8');
    keyPem = readFileSync(join(dir, 'rsa.key'), 'utf8');
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a PEM and reports its dates, signing algorithm and key length', async () => {
    const id = uniqueName('Rsa-Ca');
    const out = await dms.send(new ImportCertificateCommand({ CertificateIdentifier: id, CertificatePem: rsaPem, Tags: [{ Key: 'env', Value: 'test' }] }));
    const c = out.Certificate!;
    const x = new X509Certificate(rsaPem);
    assert.equal(c.CertificateIdentifier, id.toLowerCase());
    assert.match(c.CertificateArn!, /^arn:aws:dms:us-east-1:123456789012:cert:[A-Z2-7]{26}$/);
    assert.equal(c.CertificateOwner, '123456789012');
    assert.equal(c.CertificatePem, rsaPem);
    assert.equal(c.SigningAlgorithm, 'SHA384withRSA');
    assert.equal(c.KeyLength, 3072);
    assert.equal(c.ValidFromDate?.getTime(), new Date(x.validFrom).getTime());
    assert.equal(c.ValidToDate?.getTime(), new Date(x.validTo).getTime());
    assert.ok(c.CertificateCreationDate instanceof Date);
    assert.match(c.KmsKeyId!, /^arn:aws:kms:us-east-1:123456789012:key\//);
    const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: c.CertificateArn! }));
    assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]), [['env', 'test']]);

    const ec = (await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('ec'), CertificatePem: ecPem, KmsKeyId: 'alias/my-key' }))).Certificate!;
    assert.equal(ec.SigningAlgorithm, 'SHA256withECDSA');
    assert.equal(ec.KeyLength, 256);
    assert.equal(ec.KmsKeyId, 'alias/my-key');

    // A chain (bundle): every certificate must parse; the first one is reported.
    const chain = (await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('chain'), CertificatePem: rsaPem + ecPem }))).Certificate!;
    assert.equal(chain.SigningAlgorithm, 'SHA384withRSA');

    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: id.toUpperCase(), CertificatePem: rsaPem })),
      (e: unknown) => e instanceof ResourceAlreadyExistsFault && e.resourceArn === c.CertificateArn,
    );
  });

  it('imports an Oracle wallet as bytes and returns the same bytes', async () => {
    const wallet = Buffer.from([0xa1, 0xf8, 0x4e, 0x1f, 0x00, 0x00, 0x00, 0x06, 0x21, 0x7f, 0xff]);
    const c = (await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('wallet'), CertificateWallet: wallet }))).Certificate!;
    assert.deepEqual(Buffer.from(c.CertificateWallet!), wallet);
    assert.equal(c.CertificatePem, undefined);
    assert.equal(c.SigningAlgorithm, undefined);
    const described = await dms.send(new DescribeCertificatesCommand({ Filters: [{ Name: 'certificate-arn', Values: [c.CertificateArn!] }] }));
    assert.deepEqual(Buffer.from(described.Certificates![0]!.CertificateWallet!), wallet);
  });

  it('refuses neither-or-both, bad PEMs, private keys and bad identifiers', async () => {
    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('none') })),
      (e: unknown) => errorName(e) === 'InvalidParameterCombinationException' && /exactly one of CertificatePem/.test((e as Error).message),
    );
    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('both'), CertificatePem: rsaPem, CertificateWallet: Buffer.from('x') })),
      (e: unknown) => errorName(e) === 'InvalidParameterCombinationException',
    );
    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('junk'), CertificatePem: 'hello' })),
      (e: unknown) => e instanceof InvalidCertificateFault && /no PEM block/.test(e.message),
    );
    const broken = rsaPem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('broken'), CertificatePem: broken })),
      (e: unknown) => e instanceof InvalidCertificateFault && /block 1 is not a valid X.509 certificate/.test(e.message),
    );
    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('key'), CertificatePem: keyPem })),
      (e: unknown) => e instanceof InvalidCertificateFault && /is a PRIVATE KEY, not a CERTIFICATE/.test(e.message),
    );
    await assert.rejects(
      dms.send(new ImportCertificateCommand({ CertificateIdentifier: 'ends-with-', CertificatePem: rsaPem })),
      (e: unknown) => errorName(e) === 'InvalidParameterValueException' && /CertificateIdentifier 'ends-with-' is not valid/.test((e as Error).message),
    );
  });

  it('describes with filters and pages of 10 by default', async () => {
    const client = server.client({ accessKeyId: '444444444444' });
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const id = `cert-${String(i).padStart(2, '0')}`;
      ids.push(id);
      await client.send(new ImportCertificateCommand({ CertificateIdentifier: id, CertificatePem: ecPem }));
    }
    const first = await client.send(new DescribeCertificatesCommand({}));
    assert.equal(first.Certificates?.length, 10);
    assert.ok(first.Marker);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeCertificates({ client }, {})) {
      pages++;
      seen.push(...page.Certificates!.map((c) => c.CertificateIdentifier!));
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ids);
    const big = await client.send(new DescribeCertificatesCommand({ MaxRecords: 100 }));
    assert.equal(big.Certificates?.length, 23);
    await assert.rejects(client.send(new DescribeCertificatesCommand({ MaxRecords: 5 })), /MaxRecords must be between 10 and 100/);

    const byId = await client.send(new DescribeCertificatesCommand({ Filters: [{ Name: 'certificate-id', Values: ['cert-04', 'CERT-07'] }] }));
    assert.deepEqual(byId.Certificates?.map((c) => c.CertificateIdentifier), ['cert-04', 'cert-07']);
    const arn = byId.Certificates![0]!.CertificateArn!;
    const byArn = await client.send(new DescribeCertificatesCommand({ Filters: [{ Name: 'certificate-arn', Values: [arn] }] }));
    assert.deepEqual(byArn.Certificates?.map((c) => c.CertificateIdentifier), ['cert-04']);
    await assert.rejects(
      client.send(new DescribeCertificatesCommand({ Filters: [{ Name: 'certificate-id', Values: ['nope'] }] })),
      (e: unknown) => e instanceof ResourceNotFoundFault && e.message === 'No Certificates found matching provided filters',
    );
    await assert.rejects(client.send(new DescribeCertificatesCommand({ Filters: [{ Name: 'owner', Values: ['x'] }] })), /valid names: certificate-arn, certificate-id/);
  });

  it('refuses to delete a certificate an endpoint uses, naming the endpoint; deletes it once free', async () => {
    const cert = (await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('used'), CertificatePem: rsaPem }))).Certificate!;
    const ep = (
      await dms.send(
        new CreateEndpointCommand({ EndpointIdentifier: 'uses-the-cert', EndpointType: 'source', EngineName: 'postgres', SslMode: 'verify-ca', CertificateArn: cert.CertificateArn! }),
      )
    ).Endpoint!;
    await assert.rejects(
      dms.send(new DeleteCertificateCommand({ CertificateArn: cert.CertificateArn! })),
      (e: unknown) => e instanceof InvalidResourceStateFault && /in use by endpoint\(s\) uses-the-cert/.test(e.message),
    );
    // Kafka names certificates inside its settings block; those count as uses too.
    const kafkaCert = (await dms.send(new ImportCertificateCommand({ CertificateIdentifier: uniqueName('kafka-ca'), CertificatePem: ecPem }))).Certificate!;
    await dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'kafka-with-ca',
        EndpointType: 'target',
        EngineName: 'kafka',
        KafkaSettings: { Broker: 'b:9093', SecurityProtocol: 'ssl-encryption', SslCaCertificateArn: kafkaCert.CertificateArn! },
      }),
    );
    await assert.rejects(dms.send(new DeleteCertificateCommand({ CertificateArn: kafkaCert.CertificateArn! })), /kafka-with-ca/);

    await dms.send(new ModifyEndpointCommand({ EndpointArn: ep.EndpointArn!, SslMode: 'require', CertificateArn: '' }));
    const deleted = await dms.send(new DeleteCertificateCommand({ CertificateArn: cert.CertificateArn! }));
    assert.equal(deleted.Certificate?.CertificateArn, cert.CertificateArn);
    assert.equal(deleted.Certificate?.SigningAlgorithm, 'SHA384withRSA');
    await assert.rejects(dms.send(new DeleteCertificateCommand({ CertificateArn: cert.CertificateArn! })), ResourceNotFoundFault);
    await assert.rejects(dms.send(new ListTagsForResourceCommand({ ResourceArn: cert.CertificateArn! })), ResourceNotFoundFault);
    await assert.rejects(
      dms.send(new DescribeCertificatesCommand({ Filters: [{ Name: 'certificate-arn', Values: [cert.CertificateArn!] }] })),
      ResourceNotFoundFault,
    );
  });

  it('enforces the Certificates quota', async () => {
    const small = await startTestServer({ args: ['--quotas', 'Certificates=1'] });
    try {
      const c = small.client();
      await c.send(new ImportCertificateCommand({ CertificateIdentifier: 'one', CertificatePem: ecPem }));
      await assert.rejects(c.send(new ImportCertificateCommand({ CertificateIdentifier: 'two', CertificatePem: ecPem })), /quota Certificates \(1\)/);
    } finally {
      await small.stop();
    }
  });
});
